import type { AppState, View } from '../app/store.js';
import { h } from '../dom.js';
import { CHARTS } from './charts/definitions.js';
import { createChartPanel } from './charts/chart-panel.js';
import { TILES } from './tiles/definitions.js';
import { createKpiTile } from './tiles/kpi-tile.js';

/** The live board: the KPI tile row, then the chart grid. Both are driven by the TILES and CHARTS lists. */
export function createBoardView(): View {
  const tiles = TILES.map(createKpiTile);
  const charts = CHARTS.map(createChartPanel);
  const el = h('main', { class: 'board', 'data-testid': 'board' }, [
    h('div', { class: 'tiles' }, tiles.map((t) => t.el)),
    h('div', { class: 'charts' }, charts.map((c) => c.el)),
  ]);
  const children = [...tiles, ...charts];
  return {
    el,
    render(state: AppState) {
      el.hidden = !state.signedIn || state.route !== 'board';
      if (!state.signedIn) return;
      for (const child of children) child.render(state);
    },
    destroy() {
      for (const child of children) child.destroy?.();
    },
  };
}
