/**
 * Types of the KPI API (`GET /v1/metrics/{kpi}` and its drill-down) and of the board snapshot's `kpis` and
 * `alerts` (issue 6, docs/metrics.md). Plain data: no behaviour here.
 */

/** The KPIs `GET /v1/metrics/{kpi}` serves, in the order the board's KPI picker lists them. */
export const KPI_NAMES = [
  'inquiries',
  'inquiry_to_opportunity',
  'opportunity_to_deal',
  'deals',
  'deal_cycle',
  'first_response',
  'response_time',
  'session_duration',
  'csat',
  'csat_bot',
  'csat_human',
  'bot_resolved_share',
  'bot_handoff_rate',
  'nps',
  'complaint_rate',
  'sla_attainment',
  'queue_length',
  'queue_wait',
  'agent_load',
  'late_events',
  'events',
  'conversations',
] as const;
export type KpiName = (typeof KPI_NAMES)[number];

export type KpiUnit = 'count' | 'ms' | 'ratio' | 'score';

/** Each KPI's unit as the contract fixes it; used when an Arrow reply carries no metadata. */
export const KPI_UNITS: Record<KpiName, KpiUnit> = {
  inquiries: 'count',
  inquiry_to_opportunity: 'ratio',
  opportunity_to_deal: 'ratio',
  deals: 'count',
  deal_cycle: 'ms',
  first_response: 'ms',
  response_time: 'ms',
  session_duration: 'ms',
  csat: 'score',
  csat_bot: 'score',
  csat_human: 'score',
  bot_resolved_share: 'ratio',
  bot_handoff_rate: 'ratio',
  nps: 'score',
  complaint_rate: 'ratio',
  sla_attainment: 'ratio',
  queue_length: 'count',
  queue_wait: 'ms',
  agent_load: 'ratio',
  late_events: 'count',
  events: 'count',
  conversations: 'count',
};

export const GRANULARITIES = ['minute', 'hour', 'day'] as const;
export type Granularity = (typeof GRANULARITIES)[number];
export const GRANULARITY_MS: Record<Granularity, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** Groupings any KPI offers (the series panel's choices). */
export const GROUP_BYS = ['none', 'channel', 'source', 'team', 'agent', 'tag'] as const;
/** Plus `group`: the routing group (queue) of the gauge KPIs queue_length and agent_load. */
export type GroupBy = (typeof GROUP_BYS)[number] | 'group';

export const FILTER_NAMES = ['channel', 'source', 'team', 'agent', 'tag'] as const;
export type MetricFilters = Partial<Record<(typeof FILTER_NAMES)[number], string>>;

/** One bucket of one group. Extra KPI-specific numeric fields (count, p50_ms, numerator…) ride along. */
export interface MetricPoint {
  /** Bucket start, ISO-8601. */
  bucket: string;
  group: string | null;
  value: number | null;
  [extra: string]: string | number | null;
}

/** The reply of `GET /v1/metrics/{kpi}`, whether it came as JSON or as an Arrow IPC stream. */
export interface MetricSeries {
  kpi: string;
  unit: KpiUnit;
  granularity: Granularity;
  time_zone: string;
  group_by: GroupBy;
  from: string;
  to: string;
  series: MetricPoint[];
}

/** What to ask `GET /v1/metrics/{kpi}` for. Times are epoch ms. */
export interface MetricQuery {
  kpi: KpiName;
  from: number;
  to: number;
  granularity: Granularity;
  group_by: GroupBy;
  filters?: MetricFilters;
}

/**
 * What to drill into: either one bucket of a chart (`bucket` + `granularity`, optionally one `group`) or a tile's
 * whole board window (`from`/`to`).
 */
export type DrillQuery =
  | { kpi: KpiName; bucket: number; granularity: Granularity; group_by: GroupBy; group: string | null; filters?: MetricFilters }
  | { kpi: KpiName; from: number; to: number; filters?: MetricFilters };

/** One conversation behind a KPI value; the board snapshot's KPI summary; a firing alert: the API's reply types. */
export type { DrillConversation, FiringAlert, KpiSummary } from '../../../api/reply-types.js';
