import type { ComposeOption, GridComponentOption, LegendComponentOption, LineSeriesOption, TooltipComponentOption } from 'echarts';

/** Mirrors of the API replies (api/routes/experiment-schemas.ts: ExperimentReportReply, InsightsReply, ExperimentView). */
export type ExperimentMetric = 'inquiry_to_opportunity' | 'deal_rate' | 'deal_value' | 'csat' | 'deal_cycle' | 'first_response';
export type ExperimentTarget = 'reply_script' | 'bot' | 'routing_policy' | 'followup_sequence';
export type Call = 'ship' | 'keep_running' | 'stop';

export interface ExperimentView {
  id: string;
  name: string;
  target: ExperimentTarget;
  variants: Array<{ id: string; weight: number; config: Record<string, unknown> }>;
  primary_metric: ExperimentMetric;
  metrics: ExperimentMetric[];
  status: 'draft' | 'running' | 'stopped';
  started_at: string;
  alpha: number;
  min_days: number;
  max_days: number;
}

export interface Comparison {
  variant: string;
  difference: number;
  lower: number | null;
  upper: number | null;
  lift: number | null;
  lift_lower: number | null;
  lift_upper: number | null;
  p_value: number;
  adjusted_p: number;
  probability_to_beat: number;
  expected_loss: number;
  verdict: 'better' | 'worse' | 'none';
}

export interface MetricResult {
  metric: ExperimentMetric;
  kind: 'proportion' | 'mean';
  higher_is_better: boolean;
  primary: boolean;
  arms: Array<{ variant: string; n: number; mean: number }>;
  comparisons: Comparison[];
}

export interface ExperimentReport {
  experiment: ExperimentView;
  as_of: string;
  days_running: number;
  units: Array<{ variant: string; n: number; expected_share: number }>;
  srm: { chi_square: number; df: number; p_value: number; mismatch: boolean };
  metrics: MetricResult[];
  timeline: Array<{ at: string; metric: ExperimentMetric; variant: string; lift: number | null; lower: number | null; upper: number | null }>;
  decision: { call: Call; variant: string | null; reasons: string[] };
}

export interface Insights {
  from: string;
  to: string;
  alpha: number;
  step: 'deal' | 'opportunity';
  channels: Array<{
    channel: string;
    inquiries: number;
    share: number;
    rate: number;
    rest_rate: number;
    min_sample: number;
    high_volume: boolean;
    tested: boolean;
    z: number | null;
    p_value: number | null;
    adjusted_p: number | null;
    finding: boolean;
  }>;
  agents: Array<{
    agent: string;
    deals: number;
    median_cycle_ms: number;
    rest_median_cycle_ms: number;
    min_sample: number;
    tested: boolean;
    z: number | null;
    p_value: number | null;
    adjusted_p: number | null;
    probability_faster: number | null;
    finding: boolean;
    conversations: string[];
  }>;
}

export type LiftChartOption = ComposeOption<LineSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption>;
