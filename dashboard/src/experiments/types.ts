import type { ComposeOption, GridComponentOption, LegendComponentOption, LineSeriesOption, TooltipComponentOption } from 'echarts';

import type { ExperimentReport, ExperimentView, Insights } from '../../../api/reply-types.js';

/** The API's replies (api/routes/experiment-schemas.ts, through api/reply-types.ts) and the parts the views name. */
export type { ExperimentReport, ExperimentView, Insights };
export type ExperimentMetric = ExperimentView['primary_metric'];
export type ExperimentTarget = ExperimentView['target'];
export type Call = ExperimentReport['decision']['call'];
export type MetricResult = ExperimentReport['metrics'][number];
export type Comparison = MetricResult['comparisons'][number];

export type LiftChartOption = ComposeOption<LineSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption>;
