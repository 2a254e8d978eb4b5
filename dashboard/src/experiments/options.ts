import { chartBase, theme, topLegend, tooltipBase, type ChartContext } from '../board/options/context.js';
import { formatDecimal, formatPercent } from '../format/number.js';
import type { Call, ExperimentMetric, ExperimentReport, LiftChartOption } from './types.js';

/** Treatment colours (the control is the zero line). */
export const VARIANT_COLORS = ['#1f4e89', '#7c3aed', '#10b981', '#f59e0b', '#ef4444', '#0ea5e9', '#64748b'];

/** What a call looks like: the badge class and the message key. */
export function callBadge(decision: ExperimentReport['decision']): {
  tone: 'good' | 'neutral' | 'bad';
  key: 'exp.call.ship' | 'exp.call.keep_running' | 'exp.call.stop' | 'exp.call.stopKeep';
  call: Call;
} {
  if (decision.call === 'ship') return { tone: 'good', key: 'exp.call.ship', call: 'ship' };
  if (decision.call === 'stop') return { tone: 'bad', key: decision.variant ? 'exp.call.stopKeep' : 'exp.call.stop', call: 'stop' };
  return { tone: 'neutral', key: 'exp.call.keep_running', call: 'keep_running' };
}

/** A relative lift as a signed percentage (null: '–'). */
export function formatLift(x: number | null, ctx: ChartContext): string {
  if (x === null) return '–';
  return `${x > 0 ? '+' : ''}${formatPercent(x, ctx.locale)}`;
}

/** A metric's mean in its unit: rates as percentages, the rest as numbers. */
export function formatMean(metric: ExperimentMetric, x: number, ctx: ChartContext): string {
  return metric === 'inquiry_to_opportunity' || metric === 'deal_rate'
    ? formatPercent(x, ctx.locale)
    : formatDecimal(x, ctx.locale, metric === 'deal_value' ? 0 : 2);
}

/**
 * Lift over time for one metric: per treatment a line of the relative lift (%) at each daily look and a band
 * for its always-valid interval (a transparent lower line with the interval width stacked on it), plus the
 * zero line (the control). Looks where the interval is still unbounded draw no band.
 */
export function buildLiftOption(report: ExperimentReport, metric: ExperimentMetric, ctx: ChartContext): LiftChartOption | null {
  const points = report.timeline.filter((p) => p.metric === metric);
  if (points.length === 0 || points.every((p) => p.lift === null)) return null;
  const variants = report.experiment.variants.slice(1).map((v) => v.id);
  const times = [...new Set(points.map((p) => Date.parse(p.at)))].sort((a, b) => a - b);
  const pct = (x: number | null) => (x === null ? null : Number((x * 100).toFixed(4)));
  const series: NonNullable<LiftChartOption['series']> = [];
  variants.forEach((v, i) => {
    const color = VARIANT_COLORS[i % VARIANT_COLORS.length];
    const mine = new Map(points.filter((p) => p.variant === v).map((p) => [Date.parse(p.at), p]));
    const at = (t: number) => mine.get(t);
    const bounded = (t: number) => at(t)?.lower != null && at(t)?.upper != null;
    series.push({
      id: `band-base-${v}`,
      type: 'line',
      stack: `band-${v}`,
      data: times.map((t) => [t, bounded(t) ? pct(at(t)!.lower) : null]),
      lineStyle: { opacity: 0 },
      symbol: 'none',
      silent: true,
      tooltip: { show: false },
    });
    series.push({
      id: `band-${v}`,
      name: `${v} ±`,
      type: 'line',
      stack: `band-${v}`,
      data: times.map((t) => [t, bounded(t) ? pct(at(t)!.upper! - at(t)!.lower!) : null]),
      lineStyle: { opacity: 0 },
      areaStyle: { color, opacity: 0.15 },
      symbol: 'none',
      silent: true,
      tooltip: { show: false },
    });
    series.push({
      id: `lift-${v}`,
      name: v,
      type: 'line',
      data: times.map((t) => [t, pct(at(t)?.lift ?? null)]),
      itemStyle: { color },
      lineStyle: { color, width: 2 },
      symbolSize: 5,
    });
  });
  // The first looks' intervals are very wide; scale the axis to the lifts and the latest (tightest) band so the
  // trend stays readable, and let the early band run off the plot (line series clip to the grid).
  const last = times[times.length - 1];
  const scaleValues = points
    .flatMap((p) => [pct(p.lift), Date.parse(p.at) === last ? pct(p.lower) : null, Date.parse(p.at) === last ? pct(p.upper) : null])
    .filter((v): v is number => v !== null);
  const lo = Math.min(0, ...scaleValues);
  const hi = Math.max(0, ...scaleValues);
  const pad = Math.max(1, (hi - lo) * 0.15);
  const day = new Intl.DateTimeFormat(ctx.locale, { month: 'numeric', day: 'numeric', timeZone: 'UTC' });
  series.push({
    id: 'zero',
    name: report.experiment.variants[0].id,
    type: 'line',
    data: [
      [times[0], 0],
      [times[times.length - 1], 0],
    ],
    lineStyle: { color: theme.axisLine, type: 'dashed' },
    symbol: 'none',
    silent: true,
  });
  return {
    ...chartBase,
    grid: { left: 8, right: 16, top: 32, bottom: 4, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    legend: { ...topLegend, data: [...variants, report.experiment.variants[0].id] },
    tooltip: {
      ...tooltipBase,
      trigger: 'axis',
      valueFormatter: (v: unknown) => (v === null || v === undefined ? '–' : `${formatDecimal(Number(v), ctx.locale, 1)} %`),
    },
    xAxis: {
      type: 'time',
      axisLine: { lineStyle: { color: theme.axisLine } },
      axisLabel: { color: theme.text, hideOverlap: true, formatter: (v: number) => day.format(v) },
    },
    yAxis: {
      type: 'value',
      min: Math.floor(lo - pad),
      max: Math.ceil(hi + pad),
      axisLabel: { color: theme.text, formatter: (v: number) => `${v} %` },
      splitLine: { lineStyle: { color: theme.splitLine } },
    },
    series,
  };
}
