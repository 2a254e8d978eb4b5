import { fetchMetric, type LoadedSeries } from '../../api/metrics-client.js';
import type { AppState, View } from '../../app/store.js';
import type { BoardSnapshot } from '../../api/types.js';
import { h, setText } from '../../dom.js';
import { translator, type Locale } from '../../i18n/index.js';
import { createChartHost } from '../charts/chart-host.js';
import type { DrillDeps } from '../drill/drill-panel.js';
import { bucketDrill, type DrillRequest } from '../drill/drill-request.js';
import { buildHeatmapOption, groupLabel, metricGrid, type MetricGrid } from '../options/index.js';
import { HEAT_KPI, heatmapQuery, type HeatKind } from './queries.js';
import { createRefresher } from './refresher.js';

/** Gauges are sampled every 10 s; reloading more often than this shows nothing new. */
export const HEATMAP_REFRESH_MS = 5_000;

/**
 * Agents × time (agent load) or queues × time (queue length) as a heatmap over the board window, from
 * `GET /v1/metrics/agent_load?group_by=agent` and `/v1/metrics/queue_length?group_by=group`. Reloads on live
 * pushes (throttled); a click on a cell drills into that agent's or queue's bucket.
 */
export function createHeatmapPanel(deps: DrillDeps & { onDrill(req: DrillRequest): void }): View {
  let kind: HeatKind = 'agents';
  let data: { kind: HeatKind; series: LoadedSeries; grid: MetricGrid } | null = null;
  let error: string | null = null;
  let locale = '' as Locale;
  let board: BoardSnapshot | null = null;
  let lastGenerated = '';

  const title = h('h2', { class: 'panel-title' });
  const buttons = (['agents', 'queues'] as const).map((k) => {
    const b = h('button', { type: 'button', class: 'seg', 'data-kind': k, 'data-testid': `heatmap-${k}`, 'aria-pressed': String(k === kind) });
    b.addEventListener('click', () => {
      if (kind === k) return;
      kind = k;
      for (const other of buttons) other.setAttribute('aria-pressed', String(other.dataset.kind === kind));
      refresher.force();
    });
    return b;
  });
  const status = h('span', { class: 'panel-status' });
  const chartEl = h('div', { class: 'chart', 'data-testid': 'chart-heatmap', role: 'img' });
  const emptyTitle = h('strong');
  const empty = h('div', { class: 'chart-empty', 'data-testid': 'chart-heatmap-empty', hidden: true }, [emptyTitle]);
  const el = h('section', { class: 'panel panel--full' }, [
    h('header', { class: 'panel-head' }, [title, h('div', { class: 'segmented', role: 'group' }, buttons), status]),
    h('div', { class: 'panel-body' }, [chartEl, empty]),
  ]);

  const host = createChartHost(chartEl, (click) => {
    const cell = click.value as [number, number, number] | undefined;
    if (!data || !cell) return;
    const { series, grid } = data;
    const group = grid.groups[cell[1]];
    const bucket = grid.buckets[cell[0]];
    if (group === undefined || bucket === undefined) return;
    const how = HEAT_KPI[data.kind];
    deps.onDrill(
      how.drillByGroup
        ? bucketDrill(how.drill, bucket, series.granularity, series.group_by, group, series.time_zone, (t) => groupLabel(series, group, t))
        : bucketDrill(how.drill, bucket, series.granularity, 'none', null, series.time_zone),
    );
  });

  let shownKind: HeatKind | null = null;
  const paint = () => {
    const t = translator(locale);
    setText(title, t('chart.heatmap'));
    buttons.forEach((b) => setText(b, t(b.dataset.kind === 'agents' ? 'board.heat.agents' : 'board.heat.queues')));
    setText(status, error ? t('board.series.error', { message: error }) : '');
    const isEmpty = !data || data.grid.groups.length === 0;
    empty.hidden = !isEmpty;
    chartEl.dataset.empty = String(isEmpty);
    setText(emptyTitle, t('board.heat.empty'));
    if (!data || isEmpty) return;
    chartEl.dataset.kind = data.kind;
    host.set(buildHeatmapOption(data.series, { locale, t }, data.grid), shownKind !== data.kind);
    shownKind = data.kind;
  };

  const refresher = createRefresher(async (signal) => {
    const key = deps.getKey();
    if (!key || !board) return;
    const asked = kind;
    const result = await fetchMetric(deps.fetch, key, heatmapQuery(asked, board), signal);
    if (signal.aborted) return;
    if (result.kind === 'unauthorized') return deps.onUnauthorized();
    if (result.kind === 'error') error = result.message;
    else {
      error = null;
      data = { kind: asked, series: result.data, grid: metricGrid(result.data) };
    }
    paint();
  }, HEATMAP_REFRESH_MS);

  return {
    el,
    render(state: AppState) {
      const localeChanged = state.locale !== locale;
      locale = state.locale;
      if (state.signedIn && state.route === 'board' && state.board && state.board.generated_at !== lastGenerated) {
        board = state.board;
        lastGenerated = state.board.generated_at;
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
