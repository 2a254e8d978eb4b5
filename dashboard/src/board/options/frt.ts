import type { BoardSnapshot } from '../../api/types.js';
import { formatDuration } from '../../format/duration.js';
import { channelLabel, sortChannels } from '../channels.js';
import { chartBase, theme, topLegend, tooltipBase, type ChartContext } from './context.js';
import { axisBarTooltip, type BoardChartOption, type CallbackItem } from './types.js';

export const FRT_COLORS = { p50: '#7aa6d6', p90: '#1f4e89' } as const;

/**
 * First response p50 and p90 per channel as horizontal grouped bars (values in ms, axis in durations).
 * Only channels with at least one first response appear, in display order from the top.
 */
export function buildFrtOption(board: BoardSnapshot, ctx: ChartContext): BoardChartOption {
  const rows = new Map(board.channels.filter((c) => c.first_response.count > 0).map((c) => [c.channel, c]));
  // category axes run bottom-up; reverse so the first channel is on top
  const channels = sortChannels(rows.keys()).reverse();
  const labels = channels.map((c) => channelLabel(c, ctx.t));
  const pick = (key: 'p50_ms' | 'p90_ms') => channels.map((c) => rows.get(c)!.first_response[key] ?? 0);
  const dur = (v: unknown) => formatDuration(Number(v), ctx.locale);
  const label = { show: true, position: 'right' as const, color: theme.text, fontSize: 11, formatter: (p: unknown) => dur((p as CallbackItem).value) };
  return {
    ...chartBase,
    grid: { left: 8, right: 48, top: 32, bottom: 4, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    legend: topLegend,
    tooltip: axisBarTooltip(tooltipBase, dur),
    xAxis: {
      type: 'value',
      axisLabel: { color: theme.text, formatter: (v: number) => dur(v), hideOverlap: true },
      splitLine: { lineStyle: { color: theme.splitLine } },
    },
    yAxis: {
      type: 'category',
      data: labels,
      axisTick: { show: false },
      axisLine: { lineStyle: { color: theme.axisLine } },
      axisLabel: { color: theme.text },
    },
    series: [
      { id: 'frt:p50', name: ctx.t('frt.p50'), type: 'bar', color: FRT_COLORS.p50, data: pick('p50_ms'), barMaxWidth: 12, barGap: '20%', label },
      { id: 'frt:p90', name: ctx.t('frt.p90'), type: 'bar', color: FRT_COLORS.p90, data: pick('p90_ms'), barMaxWidth: 12, label },
    ],
  };
}

/** True when no channel has a first response yet (the chart shows its own empty state). */
export function isFrtEmpty(board: BoardSnapshot | null): boolean {
  return !board || !board.channels.some((c) => c.first_response.count > 0 && c.first_response.p50_ms !== null);
}
