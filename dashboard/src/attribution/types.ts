import type { ComposeOption } from 'echarts/core';
import type { BarSeriesOption, GraphSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';

/** Option type of the attribution charts: exactly the parts registered in `echarts-setup.ts`. */
export type AttributionChartOption = ComposeOption<BarSeriesOption | GraphSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption>;

/** `GET /v1/attribution`: the latest run of each model, credits per channel. */
export interface AttributionData {
  channels: string[];
  models: AttributionModel[];
  job: { running: boolean; last_run_at: string | null };
}

export interface AttributionModel {
  model: string;
  order: number | null;
  run_id: string;
  run_at: string;
  window_from: string;
  window_to: string;
  journeys: number;
  total_conversions: number;
  total_value: number;
  channels: AttributionChannel[];
}

export interface AttributionChannel {
  channel: string;
  removal_effect: number | null;
  conversions: number;
  value: number;
  conversions_ci: [number, number] | null;
  value_ci: [number, number] | null;
}

/** `GET /v1/attribution/transitions`. */
export interface TransitionsData {
  run_id: string | null;
  order: number;
  transitions: Array<{ from: string; to: string; probability: number }>;
}

export const FUNNEL_BY = ['channel', 'source', 'segment'] as const;
export type FunnelBy = (typeof FUNNEL_BY)[number];

export interface FunnelGroup {
  key: string;
  inquiries: number;
  opportunities: number;
  deals: number;
  deal_value: number;
  opportunity_rate: number;
  deal_rate: number;
  overall_rate: number;
  avg_inquiry_to_opportunity_ms: number | null;
  avg_opportunity_to_deal_ms: number | null;
  avg_inquiry_to_deal_ms: number | null;
}

/** `GET /v1/funnel`. */
export interface FunnelData {
  from: string;
  to: string;
  by: FunnelBy;
  window_hours: number;
  steps: string[];
  groups: FunnelGroup[];
  total: FunnelGroup;
}

export type Metric = 'conversions' | 'value';
