import type { BoardSnapshot } from '../../api/types.js';
import { formatInt } from '../../format/number.js';
import { channelColor, channelLabel } from '../channels.js';
import { chartBase, theme, tooltipBase, type ChartContext } from './context.js';
import { DEFAULT_TIME_ZONE, spansDays, timeAxisFormatter, zonedTimeAxis } from './time-label.js';
import { buildTimeline } from './timeline.js';
import { escapeHtml, type BoardChartOption, type CallbackItem } from './types.js';

type Metric = 'events' | 'conversations';

/** Axis tooltip: the minute (in the KPI zone), one row per non-zero channel (largest first), then the total. */
function minuteTooltip(ctx: ChartContext, clock: (ms: number) => string) {
  return (raw: unknown): string => {
    const items = (Array.isArray(raw) ? raw : [raw]) as CallbackItem[];
    if (!items.length) return '';
    const first = items[0].value as [number, number] | undefined;
    const header = first ? clock(first[0]) : '';
    const rows = items
      .map((it) => ({ it, v: (it.value as [number, number])[1] }))
      .filter((r) => r.v > 0)
      .sort((a, b) => b.v - a.v)
      .map(
        ({ it, v }) =>
          `<div style="display:flex;justify-content:space-between;gap:16px">` +
          `<span>${typeof it.marker === 'string' ? it.marker : ''}${escapeHtml(it.seriesName ?? '')}</span>` +
          `<b>${formatInt(v, ctx.locale)}</b></div>`,
      );
    const total = items.reduce((s, it) => s + (it.value as [number, number])[1], 0);
    return (
      `<div style="font-weight:600;margin-bottom:4px">${header}</div>${rows.join('')}` +
      `<div style="display:flex;justify-content:space-between;gap:16px;margin-top:4px;border-top:1px solid rgba(255,255,255,.2);padding-top:4px">` +
      `<span>${escapeHtml(ctx.t('chart.total'))}</span><b>${formatInt(total, ctx.locale)}</b></div>`
    );
  };
}

function minuteChart(board: BoardSnapshot, ctx: ChartContext, metric: Metric, kind: 'line' | 'bar'): BoardChartOption {
  const tl = buildTimeline(board, metric);
  const first = tl.minutes[0];
  const last = tl.minutes[tl.minutes.length - 1];
  const zone = board.time_zone ?? DEFAULT_TIME_ZONE;
  const withDate = spansDays(tl.minutes);
  const label = timeAxisFormatter(zone, 'minute', withDate);
  const common = {
    stack: metric,
    emphasis: { focus: 'series' as const },
  };
  const series = tl.channels.map((channel) => {
    const data = tl.minutes.map((m, i) => [m, tl.values[channel][i]] as [number, number]);
    const id = `${metric}:${channel}`;
    const name = channelLabel(channel, ctx.t);
    const color = channelColor(channel);
    return kind === 'line'
      ? {
          ...common,
          id,
          name,
          type: 'line' as const,
          color,
          data,
          showSymbol: false,
          symbol: 'circle',
          lineStyle: { width: 1.5 },
          areaStyle: { opacity: 0.28 },
        }
      : { ...common, id, name, type: 'bar' as const, color, data, barMaxWidth: 14 };
  });
  return {
    ...chartBase,
    grid: { left: 8, right: 16, top: 36, bottom: 4, outerBoundsMode: 'same', outerBoundsContain: 'all' },
    legend: {
      type: 'scroll',
      top: 0,
      left: 0,
      icon: 'roundRect',
      itemWidth: 10,
      itemHeight: 10,
      textStyle: { color: theme.text, fontSize: 12 },
    },
    tooltip: { ...tooltipBase, trigger: 'axis', axisPointer: { type: kind === 'line' ? 'line' : 'shadow' }, formatter: minuteTooltip(ctx, label) },
    xAxis: zonedTimeAxis({ timeZone: zone, t: ctx.t, granularity: 'minute', withDate, min: first, max: kind === 'bar' ? last + 30_000 : last }),
    yAxis: {
      type: 'value',
      minInterval: 1,
      axisLabel: { color: theme.text },
      splitLine: { lineStyle: { color: theme.splitLine } },
    },
    series,
  };
}

/** Events per minute, one stacked area per channel, on a dense minute grid covering the window. */
export function buildEventsOption(board: BoardSnapshot, ctx: ChartContext): BoardChartOption {
  return minuteChart(board, ctx, 'events', 'line');
}

/** Conversations per minute, stacked bars per channel. */
export function buildConversationsOption(board: BoardSnapshot, ctx: ChartContext): BoardChartOption {
  return minuteChart(board, ctx, 'conversations', 'bar');
}
