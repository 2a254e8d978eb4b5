import type { ComposeOption } from 'echarts/core';
import type { BarSeriesOption, GraphSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import type { AttributionModel, AttributionReply, FunnelReply, TransitionsReply } from '../../../api/reply-types.js';

/** Option type of the attribution charts: exactly the parts registered in `echarts-setup.ts`. */
export type AttributionChartOption = ComposeOption<BarSeriesOption | GraphSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption>;

/** `GET /v1/attribution`: the latest run of each model, credits per channel (the API's reply types). */
export type AttributionData = AttributionReply;
export type { AttributionModel };
export type AttributionChannel = AttributionModel['channels'][number];

/** `GET /v1/attribution/transitions`. */
export type TransitionsData = TransitionsReply;

export const FUNNEL_BY = ['channel', 'source', 'segment'] as const;
export type FunnelBy = (typeof FUNNEL_BY)[number];

export type FunnelGroup = FunnelReply['total'];

/** `GET /v1/funnel` (`by` narrowed to the groupings the view offers). */
export type FunnelData = Omit<FunnelReply, 'by'> & { by: FunnelBy };

export type Metric = 'conversions' | 'value';
