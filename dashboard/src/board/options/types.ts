import type { ComposeOption } from 'echarts/core';
import type { BarSeriesOption, FunnelSeriesOption, HeatmapSeriesOption, LineSeriesOption, PieSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption, VisualMapComponentOption } from 'echarts/components';

/**
 * The option type for every board chart: exactly the parts registered in `echarts-setup.ts` plus the
 * funnel, heatmap and visual map that `board/charts/echarts-board.ts` registers.
 */
export type BoardChartOption = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | PieSeriesOption
  | FunnelSeriesOption
  | HeatmapSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
  | VisualMapComponentOption
>;

/** Minimal view of an ECharts tooltip/label callback item (the full type is not exported from echarts/core). */
export interface CallbackItem {
  seriesName?: string;
  seriesId?: string;
  name?: string;
  marker?: unknown;
  value?: unknown;
  percent?: number;
  axisValue?: unknown;
  data?: unknown;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * An axis tooltip (bars): the category as a heading, then one line per series
 * with its marker, name and value as `fmt` renders it.
 */
export function axisBarTooltip(base: object, fmt: (value: unknown) => string) {
  return {
    ...base,
    trigger: 'axis' as const,
    axisPointer: { type: 'shadow' as const },
    formatter: (raw: unknown) => {
      const items = (Array.isArray(raw) ? raw : [raw]) as CallbackItem[];
      const head = escapeHtml(String(items[0]?.name ?? ''));
      const lines = items.map((it) => `${typeof it.marker === 'string' ? it.marker : ''}${escapeHtml(it.seriesName ?? '')}&nbsp;&nbsp;<b>${fmt(it.value)}</b>`);
      return `<div style="font-weight:600;margin-bottom:4px">${head}</div>${lines.join('<br>')}`;
    },
  };
}
