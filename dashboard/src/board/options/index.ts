export { baseTextStyle, theme, tooltipBase, type ChartContext } from './context.js';
export { buildFrtOption, isFrtEmpty, FRT_COLORS } from './frt.js';
export { buildConversationsOption, buildEventsOption } from './minute-charts.js';
export { buildMixOption } from './mix.js';
export { buildTimeline, type Timeline } from './timeline.js';
export type { BoardChartOption } from './types.js';
