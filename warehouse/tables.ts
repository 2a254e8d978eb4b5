/**
 * The warehouse tables the pipeline appends to, with the columns every adapter
 * writes. `key` is what makes an append idempotent; `version` (when present)
 * decides which of two rows with the same key wins (the higher one).
 * Columns typed `ms` hold epoch milliseconds (UTC) and are written as
 * timestamps; `json` columns hold JSON text.
 */
export type ColumnType = 'string' | 'nullable_string' | 'int' | 'nullable_int' | 'float' | 'nullable_float' | 'ms' | 'nullable_ms' | 'json';

export interface TableSpec {
  name: string;
  columns: Record<string, ColumnType>;
  key: string[];
  version?: string;
}

export const TABLES = {
  events: {
    name: 'events',
    columns: {
      producer: 'string',
      id: 'string',
      type: 'string',
      channel: 'string',
      occurred_at: 'ms',
      received_at: 'ms',
      customer_key: 'string',
      conversation_id: 'nullable_string',
      agent_id: 'nullable_string',
      customer: 'json',
      properties: 'json',
      // Where the stream worker counted the event (null in rows from before migration 007).
      bus_partition: 'nullable_int',
      bus_offset: 'nullable_int',
    },
    key: ['producer', 'id'],
  },
  // Events and new conversations per channel and event-time minute, as additive contributions: one row per
  // (bus partition, batch, minute, channel) holding what that batch added; readers sum (stream/metrics).
  channel_minute_contrib: {
    name: 'channel_minute_contrib',
    columns: {
      bus_partition: 'int',
      batch_offset: 'int',
      minute: 'ms',
      channel: 'string',
      events: 'int',
      conversations: 'int',
      version: 'int',
    },
    key: ['bus_partition', 'batch_offset', 'minute', 'channel'],
    version: 'version',
  },
  attribution_results: {
    name: 'attribution_results',
    columns: {
      run_id: 'string',
      run_at: 'ms',
      model: 'string',
      model_order: 'int',
      window_from: 'ms',
      window_to: 'ms',
      channel: 'string',
      // 'float' columns take null (both adapters write NULL for a missing value); the DDL makes these nullable
      removal_effect: 'float',
      conversions: 'float',
      value: 'float',
      conversions_lower: 'float',
      conversions_upper: 'float',
      value_lower: 'float',
      value_upper: 'float',
      journeys: 'int',
    },
    // A run's rows never change: the key alone makes a replayed append idempotent (no version needed).
    key: ['run_id', 'model', 'model_order', 'channel'],
  },
  attribution_transitions: {
    name: 'attribution_transitions',
    columns: {
      run_id: 'string',
      run_at: 'ms',
      model_order: 'int',
      window_from: 'ms',
      window_to: 'ms',
      from_state: 'string',
      to_state: 'string',
      probability: 'float',
    },
    key: ['run_id', 'model_order', 'from_state', 'to_state'],
  },
  dead_letters: {
    name: 'dead_letters',
    columns: {
      source: 'string',
      ref: 'string',
      code: 'string',
      reason: 'string',
      payload: 'string',
      failed_at: 'ms',
    },
    key: ['source', 'ref'],
  },
  // Identity graph audit (stream/identity): every merge, refused merge and split, what, why and when.
  identity_merges: {
    name: 'identity_merges',
    columns: {
      merge_id: 'string',
      kind: 'string',
      customer_id: 'string',
      other_id: 'string',
      identifiers: 'json',
      evidence: 'json',
      reason: 'string',
      event_ref: 'string',
      merged_at: 'ms',
    },
    key: ['merge_id'],
  },
  // Sessions (stream/sessions): one row per conversation session, the newest version wins.
  conversations: {
    name: 'conversations',
    columns: {
      id: 'string',
      customer_id: 'string',
      conversation_ids: 'json',
      channels: 'json',
      last_channel: 'string',
      started_at: 'ms',
      last_event_at: 'ms',
      last_agent: 'nullable_string',
      intent: 'nullable_string',
      tags: 'json',
      urgent: 'int',
      priority: 'int',
      status: 'string',
      version: 'int',
    },
    key: ['id'],
    version: 'version',
  },
  // Event-time KPIs (stream/kpis): additive counters per minute and dimensions, as contributions: one row per
  // (bus partition, batch, minute, dimensions) holding what that batch added; readers sum.
  kpi_minute_contrib: {
    name: 'kpi_minute_contrib',
    columns: {
      bus_partition: 'int',
      batch_offset: 'int',
      minute: 'ms',
      channel: 'string',
      source: 'string',
      team: 'string',
      agent: 'string',
      tag: 'string',
      events: 'int',
      inquiries: 'int',
      messages_in: 'int',
      messages_out: 'int',
      assigned: 'int',
      closed: 'int',
      opportunities: 'int',
      deals: 'int',
      deal_value: 'float',
      lost: 'int',
      csat_count: 'int',
      csat_sum: 'float',
      csat_satisfied: 'int',
      nps_count: 'int',
      nps_promoters: 'int',
      nps_detractors: 'int',
      complaints: 'int',
      sla_total: 'int',
      sla_met: 'int',
      wait_count: 'int',
      wait_ms_sum: 'int',
      version: 'int',
    },
    key: ['bus_partition', 'batch_offset', 'minute', 'channel', 'source', 'team', 'agent', 'tag'],
    version: 'version',
  },
  // One row per conversation: what the time-based KPIs need (newest version wins).
  conversation_facts: {
    name: 'conversation_facts',
    columns: {
      conversation_id: 'string',
      customer_key: 'string',
      channel: 'string',
      source: 'string',
      team: 'string',
      agent: 'string',
      tag: 'string',
      started_at: 'ms',
      last_event_at: 'ms',
      first_response_at: 'nullable_ms',
      first_response_ms: 'nullable_int',
      assigned_at: 'nullable_ms',
      wait_ms: 'nullable_int',
      sla_due_at: 'nullable_ms',
      sla_met: 'nullable_int',
      closed_at: 'nullable_ms',
      duration_ms: 'int',
      outcome: 'string',
      messages_in: 'int',
      messages_out: 'int',
      complaint: 'int',
      csat: 'nullable_float',
      nps: 'nullable_int',
      version: 'int',
    },
    key: ['conversation_id'],
    version: 'version',
  },
  // One row per agent reply that answered customer messages.
  response_times: {
    name: 'response_times',
    columns: {
      conversation_id: 'string',
      reply_id: 'string',
      replied_at: 'ms',
      inbound_at: 'ms',
      response_ms: 'int',
      channel: 'string',
      source: 'string',
      team: 'string',
      agent: 'string',
      tag: 'string',
      version: 'int',
    },
    key: ['conversation_id', 'reply_id'],
    version: 'version',
  },
  // One row per won deal with its cycle (first touch of the customer → deal).
  deal_facts: {
    name: 'deal_facts',
    columns: {
      deal_id: 'string',
      customer_key: 'string',
      conversation_id: 'nullable_string',
      won_at: 'ms',
      value: 'float',
      first_touch_at: 'ms',
      cycle_ms: 'int',
      channel: 'string',
      source: 'string',
      team: 'string',
      agent: 'string',
      tag: 'string',
      version: 'int',
    },
    key: ['deal_id'],
    version: 'version',
  },
  // Events later than the allowed lateness for an already final window.
  late_events: {
    name: 'late_events',
    columns: {
      producer: 'string',
      id: 'string',
      bus_partition: 'int',
      type: 'string',
      channel: 'string',
      occurred_at: 'ms',
      received_at: 'ms',
      window_start: 'ms',
      watermark: 'ms',
      late_by_ms: 'int',
      recorded_at: 'ms',
    },
    key: ['producer', 'id', 'window_start'],
  },
  // Routing samples (stream/routing): queue length and oldest wait per group, open and capacity per agent.
  routing_gauges: {
    name: 'routing_gauges',
    columns: {
      sampled_at: 'ms',
      kind: 'string',
      name: 'string',
      team: 'string',
      size: 'int',
      capacity: 'int',
      oldest_wait_ms: 'int',
    },
    key: ['sampled_at', 'kind', 'name'],
  },
  // Experiment definitions (stream/experiments): the JSON of each saved version; the highest version wins.
  experiments: {
    name: 'experiments',
    columns: {
      id: 'string',
      definition: 'json',
      updated_at: 'ms',
      version: 'int',
    },
    key: ['id'],
    version: 'version',
  },
} as const satisfies Record<string, TableSpec>;

export type TableName = keyof typeof TABLES;

export interface EventRow {
  producer: string;
  id: string;
  type: string;
  channel: string;
  occurred_at: number;
  received_at: number;
  customer_key: string;
  conversation_id: string | null;
  agent_id: string | null;
  customer: string;
  properties: string;
  bus_partition?: number | null;
  bus_offset?: number | null;
}

/** What one bus batch added to one channel's event-time minute (channel_minute_contrib). */
export interface ChannelMinuteRow {
  bus_partition: number;
  /** Offset of the first message of the batch that produced the row: with the partition, who wrote it. */
  batch_offset: number;
  minute: number;
  channel: string;
  events: number;
  conversations: number;
  version: number;
}

export interface DeadLetterRow {
  source: string;
  ref: string;
  code: string;
  reason: string;
  payload: string;
  failed_at: number;
}

export interface AttributionResultRow {
  run_id: string;
  run_at: number;
  model: string;
  /** Markov order; 0 for models without one */
  model_order: number;
  window_from: number;
  window_to: number;
  channel: string;
  removal_effect: number | null;
  conversions: number;
  value: number;
  conversions_lower: number | null;
  conversions_upper: number | null;
  value_lower: number | null;
  value_upper: number | null;
  journeys: number;
}

export interface AttributionTransitionRow {
  run_id: string;
  run_at: number;
  model_order: number;
  window_from: number;
  window_to: number;
  from_state: string;
  to_state: string;
  probability: number;
}

export interface IdentityMergeRow {
  /** Deterministic, so a replayed event writes the same row again. */
  merge_id: string;
  /** merge, refused (linked but not merged: conflicting external ids, or split before) or split */
  kind: string;
  /** The survivor (merge, refused) or the customer split from (split). */
  customer_id: string;
  /** The merged-away customer (merge), the one not merged (refused), or the one split off (split). */
  other_id: string;
  /** JSON array: identifiers that moved. */
  identifiers: string;
  /** JSON array: the identifiers the event carried (merge, refused) or the split request named. */
  evidence: string;
  reason: string;
  /** `producer/id` of the event, or `api/<key id>` for a split. */
  event_ref: string;
  /** When it was decided (ms). */
  merged_at: number;
}

export interface ConversationRow {
  id: string;
  customer_id: string;
  conversation_ids: string;
  channels: string;
  last_channel: string;
  started_at: number;
  last_event_at: number;
  last_agent: string | null;
  intent: string | null;
  tags: string;
  urgent: number;
  priority: number;
  status: string;
  version: number;
}

/** Keeps one row per key: the one with the highest version (or the last one). */
export function dedupeByKey(spec: TableSpec, rows: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  const byKey = new Map<string, Record<string, unknown>>();
  for (const row of rows) {
    const k = spec.key.map((c) => String(row[c])).join('\u0000');
    const prev = byKey.get(k);
    if (!prev || !spec.version || Number(row[spec.version]) >= Number(prev[spec.version])) byKey.set(k, row);
  }
  return [...byKey.values()];
}

/**
 * Tables whose rows are additive contributions keyed by the bus batch that produced them (`bus_partition`,
 * `batch_offset`): a worker that replays from offset c first discards what any earlier attempt wrote for
 * batches at or after c (`Warehouse.discardContributions`), then writes its own.
 */
export const CONTRIBUTION_TABLES = ['channel_minute_contrib', 'kpi_minute_contrib'] as const satisfies ReadonlyArray<TableName>;
