import type { AppState, View } from '../app/store.js';
import { h, setText } from '../dom.js';
import { translator } from '../i18n/index.js';
import { createAlertBanner } from './alerts/alert-banner.js';
import { CHARTS } from './charts/definitions.js';
import { createChartPanel } from './charts/chart-panel.js';
import { createDrillPanel, type DrillDeps } from './drill/drill-panel.js';
import { windowDrill } from './drill/drill-request.js';
import { createHeatmapPanel } from './metrics/heatmap-panel.js';
import { createKpiSeriesPanel } from './metrics/kpi-series-panel.js';
import { KPI_TILES } from './tiles/kpi-definitions.js';
import { TILES, type TileDef } from './tiles/definitions.js';
import { createKpiTile } from './tiles/kpi-tile.js';
import { createFollowupPanel } from './followup/followup-panel.js';
import { createInsightsPanel } from '../experiments/insights-panel.js';

/** What the board needs beyond the app state: requests for the KPI series and drill-downs. */
export type BoardDeps = DrillDeps;

/**
 * The live board: alert banner, the traffic tiles, the sales and service KPI tiles, then the chart grid
 * (snapshot charts from CHARTS, the KPI time series and the load heatmap), and the drill-down drawer.
 */
export function createBoardView(deps: BoardDeps): View {
  const drill = createDrillPanel(deps);
  let state: AppState | null = null;
  const onTileDrill = (def: TileDef) => {
    if (def.drill && state?.board) void drill.open(windowDrill(def.drill, state.board));
  };
  const onDrill = (req: Parameters<typeof drill.open>[0]) => void drill.open(req);
  const alerts = createAlertBanner();
  const tiles = TILES.map((d) => createKpiTile(d, onTileDrill));
  const kpiTiles = KPI_TILES.map((d) => createKpiTile(d, onTileDrill));
  const charts = CHARTS.map((d) => createChartPanel(d, onDrill));
  const series = createKpiSeriesPanel({ ...deps, onDrill });
  const heatmap = createHeatmapPanel({ ...deps, onDrill });
  const followup = createFollowupPanel(deps);
  const insights = createInsightsPanel(deps);
  const trafficHead = h('h2', { class: 'board-section' });
  const kpiHead = h('h2', { class: 'board-section' });
  const el = h('main', { class: 'board', 'data-testid': 'board' }, [
    alerts.el,
    trafficHead,
    h(
      'div',
      { class: 'tiles' },
      tiles.map((t) => t.el),
    ),
    kpiHead,
    h(
      'div',
      { class: 'tiles tiles--kpi', 'data-testid': 'kpi-tiles' },
      kpiTiles.map((t) => t.el),
    ),
    followup.el,
    h('div', { class: 'charts' }, [...charts.map((c) => c.el), series.el, heatmap.el, insights.el]),
    drill.el,
  ]);
  const children: View[] = [alerts, ...tiles, ...kpiTiles, followup, ...charts, series, heatmap, insights, drill];
  return {
    el,
    render(next: AppState) {
      state = next;
      el.hidden = !next.signedIn || next.route !== 'board';
      if (!next.signedIn) return drill.render(next);
      const t = translator(next.locale);
      setText(trafficHead, t('board.section.traffic'));
      setText(kpiHead, t('board.section.kpis'));
      for (const child of children) child.render(next);
    },
    destroy() {
      for (const child of children) child.destroy?.();
    },
  };
}
