/**
 * Row shapes of the KPI tables (warehouse/tables.ts: kpi_minute, conversation_facts, response_times,
 * deal_facts, late_events, routing_gauges). Times are epoch ms (UTC). Dimensions are '' when unknown.
 */

/** The dimensions every KPI can be cut by. */
export interface KpiDims {
  channel: string;
  source: string;
  team: string;
  agent: string;
  /** Customer tag: VIP, high_value or normal. */
  tag: string;
}

/** Additive counters of one event-time minute and dimension tuple. */
export interface KpiCounters {
  events: number;
  inquiries: number;
  messages_in: number;
  messages_out: number;
  assigned: number;
  closed: number;
  opportunities: number;
  deals: number;
  deal_value: number;
  lost: number;
  csat_count: number;
  csat_sum: number;
  csat_satisfied: number;
  nps_count: number;
  nps_promoters: number;
  nps_detractors: number;
  complaints: number;
  sla_total: number;
  sla_met: number;
  wait_count: number;
  wait_ms_sum: number;
}

/** What one bus batch added to one event-time minute and dimension tuple (kpi_minute_contrib). */
export interface KpiMinuteRow extends KpiDims, KpiCounters {
  bus_partition: number;
  /** Offset of the first message of the batch that produced the row. */
  batch_offset: number;
  minute: number;
  version: number;
}

export interface ConversationFactsRow extends KpiDims {
  conversation_id: string;
  customer_key: string;
  started_at: number;
  last_event_at: number;
  first_response_at: number | null;
  first_response_ms: number | null;
  assigned_at: number | null;
  wait_ms: number | null;
  sla_due_at: number | null;
  /** 1 met, 0 missed, null without an SLA. */
  sla_met: number | null;
  closed_at: number | null;
  duration_ms: number;
  /** opportunity, deal, lost, resolved; '' while open. */
  outcome: string;
  messages_in: number;
  messages_out: number;
  complaint: number;
  csat: number | null;
  nps: number | null;
  version: number;
}

export interface ResponseTimeRow extends KpiDims {
  conversation_id: string;
  reply_id: string;
  replied_at: number;
  inbound_at: number;
  response_ms: number;
  version: number;
}

export interface DealFactsRow extends KpiDims {
  deal_id: string;
  customer_key: string;
  conversation_id: string | null;
  won_at: number;
  value: number;
  first_touch_at: number;
  cycle_ms: number;
  version: number;
}

export interface LateEventRow {
  producer: string;
  id: string;
  bus_partition: number;
  type: string;
  channel: string;
  occurred_at: number;
  received_at: number;
  window_start: number;
  watermark: number;
  late_by_ms: number;
  recorded_at: number;
}

export interface RoutingGaugeRow {
  /** Sample time, rounded down to 10 s. */
  sampled_at: number;
  kind: 'queue' | 'agent';
  name: string;
  team: string;
  size: number;
  capacity: number;
  oldest_wait_ms: number;
}
