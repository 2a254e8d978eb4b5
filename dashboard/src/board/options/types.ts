import type { ComposeOption } from 'echarts/core';
import type { BarSeriesOption, LineSeriesOption, PieSeriesOption } from 'echarts/charts';
import type {
  GridComponentOption,
  LegendComponentOption,
  TooltipComponentOption,
} from 'echarts/components';

/** The option type for every board chart: exactly the parts registered in `echarts-setup.ts`. */
export type BoardChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | PieSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption
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
