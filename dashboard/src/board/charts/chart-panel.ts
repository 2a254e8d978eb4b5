import type { AppState, View } from '../../app/store.js';
import { h, setText } from '../../dom.js';
import { translator } from '../../i18n/index.js';
import type { DrillRequest } from '../drill/drill-request.js';
import { createChartHost } from './chart-host.js';
import type { ChartDef } from './definitions.js';

/**
 * A card holding one ECharts chart built from the board snapshot (see `chart-host.ts` for the in-place
 * updates). A def with `drill` turns clicks on its elements into drill-down requests.
 */
export function createChartPanel(def: ChartDef, onDrill?: (req: DrillRequest) => void): View {
  const title = h('h2', { class: 'panel-title' });
  const chartEl = h('div', { class: 'chart', 'data-testid': def.testid, role: 'img' });
  const emptyTitle = h('strong');
  const emptyHint = h('span');
  const empty = h('div', { class: 'chart-empty', 'data-testid': `${def.testid}-empty`, hidden: true }, [emptyTitle, emptyHint]);
  const el = h('section', { class: `panel panel--${def.span}` }, [
    h('header', { class: 'panel-head' }, [title]),
    h('div', { class: 'panel-body' }, [chartEl, empty]),
  ]);
  let last: AppState | null = null;
  const host = createChartHost(
    chartEl,
    def.drill && onDrill
      ? (click) => {
          const req = last?.board ? def.drill!(click, last.board) : null;
          if (req) onDrill(req);
        }
      : undefined,
  );

  return {
    el,
    render(state: AppState) {
      last = state;
      const ctx = { locale: state.locale, t: translator(state.locale) };
      setText(title, ctx.t(def.titleKey));
      chartEl.setAttribute('aria-label', ctx.t(def.titleKey));
      const isEmpty = def.isEmpty(state.board);
      empty.hidden = !isEmpty;
      chartEl.dataset.empty = String(isEmpty);
      setText(emptyTitle, ctx.t(def.emptyKey));
      setText(emptyHint, ctx.t('chart.emptyHint'));
      if (!state.board) return;
      host.set(def.build(state.board, ctx));
    },
    destroy() {
      host.destroy();
    },
  };
}
