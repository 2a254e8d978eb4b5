import { fetchMetric, type LoadedSeries } from '../../api/metrics-client.js';
import { GRANULARITIES, GROUP_BYS, KPI_NAMES, type KpiName } from '../../api/metric-types.js';
import type { AppState, View } from '../../app/store.js';
import { h, setText } from '../../dom.js';
import { translator, type Locale, type MessageKey, type Translate } from '../../i18n/index.js';
import { createChartHost } from '../charts/chart-host.js';
import { bucketDrill, type DrillRequest } from '../drill/drill-request.js';
import { buildKpiSeriesOption, groupLabel, groupOfSeriesId } from '../options/index.js';
import type { DrillDeps } from '../drill/drill-panel.js';
import { DEFAULT_SELECTION, RANGE_IDS, seriesQuery, type SeriesSelection } from './queries.js';
import { createRefresher } from './refresher.js';

/** Live pushes reload the series at most this often. */
export const SERIES_REFRESH_MS = 3_000;

function select(testid: string, values: readonly string[], onChange: (v: string) => void) {
  const el = h('select', { class: 'panel-select', 'data-testid': testid });
  el.replaceChildren(...values.map((v) => h('option', { value: v }, [v])));
  el.addEventListener('change', () => onChange(el.value));
  return el;
}

function labelOptions(el: HTMLSelectElement, label: (v: string) => string): void {
  for (const opt of Array.from(el.options)) setText(opt, label(opt.value));
}

/**
 * The KPI time-series panel: pick a KPI, granularity, grouping and range; the series comes from
 * `GET /v1/metrics/{kpi}` (as Arrow for long series, see `api/series-policy.ts`) and reloads, throttled,
 * on live pushes, updating the chart in place. A click on a point drills into that bucket and group.
 */
export function createKpiSeriesPanel(deps: DrillDeps & { onDrill(req: DrillRequest): void }): View {
  let sel: SeriesSelection = { ...DEFAULT_SELECTION };
  let data: LoadedSeries | null = null;
  let error: string | null = null;
  // '' until the first render, so that render paints the labels whatever the language
  let locale = '' as Locale;
  let lastGenerated = '';
  let nowMs = Date.now();
  let kindChanged = true;

  const title = h('h2', { class: 'panel-title' });
  const change = (patch: Partial<SeriesSelection>) => {
    sel = { ...sel, ...patch };
    kindChanged = true;
    refresher.force();
  };
  const kpiSel = select('series-kpi', KPI_NAMES, (v) => change({ kpi: v as KpiName }));
  const granSel = select('series-granularity', GRANULARITIES, (v) => change({ granularity: v as SeriesSelection['granularity'] }));
  const groupSel = select('series-group-by', GROUP_BYS, (v) => change({ groupBy: v as SeriesSelection['groupBy'] }));
  const rangeSel = select('series-range', RANGE_IDS, (v) => change({ range: v as SeriesSelection['range'] }));
  kpiSel.value = sel.kpi;
  granSel.value = sel.granularity;
  groupSel.value = sel.groupBy;
  rangeSel.value = sel.range;
  const status = h('span', { class: 'panel-status', 'data-testid': 'chart-kpi-series-status' });
  const chartEl = h('div', { class: 'chart', 'data-testid': 'chart-kpi-series', role: 'img' });
  const emptyTitle = h('strong');
  const empty = h('div', { class: 'chart-empty', hidden: true }, [emptyTitle]);
  const el = h('section', { class: 'panel panel--wide panel--series' }, [
    h('header', { class: 'panel-head' }, [title, h('div', { class: 'panel-controls' }, [kpiSel, granSel, groupSel, rangeSel]), status]),
    h('div', { class: 'panel-body' }, [chartEl, empty]),
  ]);

  const host = createChartHost(chartEl, (click) => {
    const group = groupOfSeriesId(click.seriesId);
    const point = click.value as [number, number | null] | undefined;
    if (!data || group === null || !point) return;
    const shown = data;
    deps.onDrill(
      bucketDrill(shown.kpi as KpiName, point[0], shown.granularity, shown.group_by, shown.group_by === 'none' ? null : group, shown.time_zone, (t) =>
        shown.group_by === 'none' ? null : groupLabel(shown, group, t),
      ),
    );
  });

  const paint = () => {
    const t: Translate = translator(locale);
    setText(title, t('chart.kpiSeries'));
    labelOptions(kpiSel, (v) => t(`kpi.name.${v}` as MessageKey));
    labelOptions(granSel, (v) => t(`board.granularity.${v}` as MessageKey));
    labelOptions(groupSel, (v) => t(`board.groupBy.${v}` as MessageKey));
    labelOptions(rangeSel, (v) => t(`board.range.${v}` as MessageKey));
    setText(status, error ? t('board.series.error', { message: error }) : data ? '' : t('board.series.loading'));
    const isEmpty = !data || data.series.length === 0;
    empty.hidden = !isEmpty || !data;
    setText(emptyTitle, t('board.series.empty'));
    chartEl.dataset.empty = String(isEmpty);
    if (!data) return;
    chartEl.dataset.transport = data.transport;
    chartEl.dataset.points = String(data.series.length);
    chartEl.dataset.kpi = data.kpi;
    // A different KPI or grouping replaces the chart (other axes, other series); a refresh merges in place.
    host.set(buildKpiSeriesOption(data, { locale, t }), kindChanged);
    kindChanged = false;
  };

  const refresher = createRefresher(async (signal) => {
    const key = deps.getKey();
    if (!key) return;
    const result = await fetchMetric(deps.fetch, key, seriesQuery(sel, nowMs), signal);
    if (signal.aborted) return;
    if (result.kind === 'unauthorized') return deps.onUnauthorized();
    if (result.kind === 'error') error = result.message;
    else {
      error = null;
      data = result.data;
    }
    paint();
  }, SERIES_REFRESH_MS);

  return {
    el,
    render(state: AppState) {
      const localeChanged = state.locale !== locale;
      locale = state.locale;
      if (!state.signedIn || state.route !== 'board' || !state.board) return localeChanged ? paint() : undefined;
      if (state.board.generated_at !== lastGenerated) {
        lastGenerated = state.board.generated_at;
        const at = Date.parse(state.board.generated_at);
        nowMs = Number.isFinite(at) ? at : Date.now();
        refresher.poke();
      }
      if (localeChanged) paint();
    },
    destroy() {
      refresher.stop();
      host.destroy();
    },
  };
}
