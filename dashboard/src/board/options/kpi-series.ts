import type { MetricSeries } from '../../api/metric-types.js';
import { formatForUnit, formatKpiValue } from '../tiles/kpi-format.js';
import { channelColor } from '../channels.js';
import { chartBase, theme, tooltipBase, type ChartContext } from './context.js';
import { groupLabel, metricGrid } from './metric-model.js';
import { bucketLabel, spansDays, zonedTimeAxis } from './time-label.js';
import { escapeHtml, type BoardChartOption, type CallbackItem } from './types.js';

/** Series id of a group's line; `groupOfSeriesId` reverses it for drill-down clicks. */
export const seriesIdOf = (groupKey: string): string => `kpi:${groupKey}`;
export const groupOfSeriesId = (id: string | undefined): string | null => (id?.startsWith('kpi:') ? id.slice(4) : null);

/** Over this many points per line, symbols are hidden and ECharts down-samples (LTTB) for drawing. */
const DENSE_POINTS = 120;

/**
 * A KPI over time, one line per group (channels keep their board colours), gaps where a bucket has no
 * value (a ratio with a zero denominator is "no data", not 0). Values are formatted by the reply's unit.
 */
export function buildKpiSeriesOption(series: MetricSeries, ctx: ChartContext): BoardChartOption {
  const grid = metricGrid(series);
  const fmt = (v: unknown) => formatKpiValue(v === null || v === undefined ? null : Number(v), formatForUnit(series.unit), ctx.locale);
  const dense = grid.buckets.length > DENSE_POINTS;
  const lines = grid.groups.map((g, gi) => ({
    id: seriesIdOf(g),
    name: groupLabel(series, g, ctx.t),
    type: 'line' as const,
    ...(series.group_by === 'channel' && g !== '' ? { color: channelColor(g) } : {}),
    data: grid.buckets.map((b, bi) => [b, grid.values[gi][bi]] as [number, number | null]),
    connectNulls: false,
    showSymbol: !dense,
    symbolSize: 5,
    sampling: dense ? ('lttb' as const) : undefined,
    lineStyle: { width: 1.6 },
    emphasis: { focus: 'series' as const },
  }));
  return {
    ...chartBase,
    grid: { left: 8, right: 16, top: 36, bottom: 4, outerBoundsMode: 'same', outerBoundsContain: 'all' },
    legend: { type: 'scroll', top: 0, left: 0, icon: 'roundRect', itemWidth: 10, itemHeight: 10, textStyle: { color: theme.text, fontSize: 12 } },
    tooltip: {
      ...tooltipBase,
      trigger: 'axis',
      formatter: (raw: unknown) => {
        const items = (Array.isArray(raw) ? raw : [raw]) as CallbackItem[];
        // the bucket in the KPI zone with its date, whatever zone the browser is in
        const head = items.length ? bucketLabel((items[0].value as [number, number | null])[0], series.granularity, series.time_zone, true) : '';
        const rows = items.map(
          (it) =>
            `<div style="display:flex;justify-content:space-between;gap:16px"><span>${typeof it.marker === 'string' ? it.marker : ''}` +
            `${escapeHtml(it.seriesName ?? '')}</span><b>${escapeHtml(fmt((it.value as [number, number | null])[1]))}</b></div>`,
        );
        return `<div style="font-weight:600;margin-bottom:4px">${escapeHtml(head)}</div>${rows.join('')}`;
      },
    },
    xAxis: zonedTimeAxis({ timeZone: series.time_zone, t: ctx.t, granularity: series.granularity, withDate: spansDays(grid.buckets) }),
    yAxis: {
      type: 'value',
      min: 0,
      ...(series.unit === 'count' ? { minInterval: 1 } : {}),
      ...(series.kpi === 'nps' ? { min: -100, max: 100 } : {}),
      axisLabel: { color: theme.text, formatter: (v: number) => fmt(v) },
      splitLine: { lineStyle: { color: theme.splitLine } },
    },
    series: lines,
  };
}
