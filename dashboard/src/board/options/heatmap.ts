import type { MetricSeries } from '../../api/metric-types.js';
import { formatForUnit, formatKpiValue } from '../tiles/kpi-format.js';
import { chartBase, theme, tooltipBase, type ChartContext } from './context.js';
import { groupLabel, metricGrid, type MetricGrid } from './metric-model.js';
import { spansDays, timeAxisFormatter, timeAxisName, timeAxisNameStyle } from './time-label.js';
import { escapeHtml, type BoardChartOption } from './types.js';

/** Cool-to-hot ramp: idle agents and empty queues read pale, saturated ones dark red. */
export const HEAT_COLORS = ['#f1f5f9', '#bfdbfe', '#fde68a', '#f59e0b', '#b91c1c'];

/** The cells of a heatmap: [bucket index, group index, value], only where there is a value. */
export function heatCells(grid: MetricGrid): Array<[number, number, number]> {
  const cells: Array<[number, number, number]> = [];
  grid.values.forEach((row, g) => row.forEach((v, b) => v !== null && cells.push([b, g, v])));
  return cells;
}

/**
 * Groups (agents or queues) × time as a heatmap. The colour scale runs from 0 to the largest value, and to
 * at least 100 % for ratios (agent load), so a half-loaded team never looks saturated.
 */
export function buildHeatmapOption(series: MetricSeries, ctx: ChartContext, grid: MetricGrid = metricGrid(series)): BoardChartOption {
  const fmt = (v: number | null) => formatKpiValue(v, formatForUnit(series.unit), ctx.locale);
  // the same label rule as every time axis of the board (time-label.ts), so a minute reads alike everywhere
  const xLabels = grid.buckets.map(timeAxisFormatter(series.time_zone, series.granularity, spansDays(grid.buckets)));
  const yLabels = grid.groups.map((g) => groupLabel(series, g, ctx.t));
  // at least 1: 100 % for ratios, one conversation for queue lengths
  const max = Math.max(1, grid.max);
  return {
    ...chartBase,
    animation: false,
    grid: { left: 8, right: 12, top: 8, bottom: 40, outerBoundsMode: 'same', outerBoundsContain: 'all' },
    tooltip: {
      ...tooltipBase,
      trigger: 'item',
      formatter: (raw: unknown) => {
        const [b, g, v] = (raw as { value: [number, number, number] }).value;
        return `${escapeHtml(yLabels[g] ?? '')} · ${escapeHtml(xLabels[b] ?? '')}<br><b>${escapeHtml(fmt(v))}</b>`;
      },
    },
    xAxis: {
      type: 'category',
      data: xLabels,
      name: timeAxisName(ctx.t, series.time_zone),
      ...timeAxisNameStyle,
      splitArea: { show: false },
      axisLabel: { color: theme.text, hideOverlap: true },
      axisTick: { show: false },
    },
    yAxis: { type: 'category', data: yLabels, axisLabel: { color: theme.text }, axisTick: { show: false } },
    visualMap: {
      type: 'continuous',
      min: 0,
      max,
      calculable: false,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemHeight: 120,
      itemWidth: 10,
      inRange: { color: HEAT_COLORS },
      textStyle: { color: theme.text },
      formatter: (v: unknown) => fmt(Number(v)),
    },
    series: [
      {
        id: 'heat',
        type: 'heatmap',
        data: heatCells(grid),
        itemStyle: { borderColor: '#fff', borderWidth: 1 },
        emphasis: { itemStyle: { borderColor: '#0f172a' } },
      },
    ],
  };
}
