/**
 * The warehouse tables the pipeline appends to: ONE definition per table, from
 * which both the adapters' column lists (`TABLES`) and the row types
 * (`RowOf<'events'>`, `EventRow`, ...) come. The DDL of both dialects
 * (sql/ddl/*.sql ClickHouse, sql/ddl/duckdb/*.sql) is checked against it by
 * warehouse/table-ddl.integration.test.ts.
 * `key` is what makes an append idempotent; `version` (when present) decides
 * which of two rows with the same key wins (the higher one).
 * Columns typed `ms` hold epoch milliseconds (UTC) and are written as
 * timestamps; `json` columns hold JSON text.
 */
export type ColumnType = 'string' | 'nullable_string' | 'int' | 'nullable_int' | 'float' | 'nullable_float' | 'ms' | 'nullable_ms' | 'json';

export interface TableSpec {
  name: string;
  columns: Record<string, ColumnType>;
  key: readonly string[];
  version?: string;
}

/** The TypeScript value a column of this type holds in a row (times are epoch ms, JSON is text). */
export type ValueOf<C extends ColumnType> = C extends 'string' | 'json'
  ? string
  : C extends 'nullable_string'
    ? string | null
    : C extends 'int' | 'float' | 'ms'
      ? number
      : number | null;

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
      removal_effect: 'nullable_float',
      conversions: 'float',
      value: 'float',
      conversions_lower: 'nullable_float',
      conversions_upper: 'nullable_float',
      value_lower: 'nullable_float',
      value_upper: 'nullable_float',
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
  // The hash-chained audit log (api/audit/audit-log.ts is its only writer; docs/security.md "Audit").
  audit_log: {
    name: 'audit_log',
    columns: {
      seq: 'int',
      recorded_at: 'ms',
      actor: 'json',
      action: 'string',
      target: 'string',
      customer_id: 'nullable_string',
      ip: 'string',
      status: 'int',
      before: 'json',
      after: 'json',
      prev_hash: 'string',
      hash: 'string',
      signature: 'nullable_string',
    },
    key: ['seq'],
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
  // Users and API keys (api/auth): the durable copy of the access state shared through Redis; highest revision wins.
  access_snapshots: {
    name: 'access_snapshots',
    columns: {
      id: 'string',
      state: 'json',
      saved_at: 'ms',
      version: 'int',
    },
    key: ['id'],
    version: 'version',
  },
} as const satisfies Record<string, TableSpec>;

export type TableName = keyof typeof TABLES;

type ColumnsOf<T extends TableName> = (typeof TABLES)[T]['columns'];

type NullableColumn = Extract<ColumnType, `nullable_${string}`>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * A row of `table`, derived from its column list: one property per column, typed by the column's type. A nullable
 * column may be left out of a row (both adapters write NULL for it).
 */
export type RowOf<T extends TableName> = Simplify<
  { -readonly [C in keyof ColumnsOf<T> as ColumnsOf<T>[C] extends NullableColumn ? never : C]: ValueOf<ColumnsOf<T>[C] & ColumnType> } & {
    -readonly [C in keyof ColumnsOf<T> as ColumnsOf<T>[C] extends NullableColumn ? C : never]?: ValueOf<ColumnsOf<T>[C] & ColumnType>;
  }
>;

export type EventRow = RowOf<'events'>;
/** What one bus batch added to one channel's event-time minute; `batch_offset` is the offset of the batch's first message. */
export type ChannelMinuteRow = RowOf<'channel_minute_contrib'>;
export type DeadLetterRow = RowOf<'dead_letters'>;
/** `model_order` is the Markov order, 0 for models without one. */
export type AttributionResultRow = RowOf<'attribution_results'>;
export type AttributionTransitionRow = RowOf<'attribution_transitions'>;
/**
 * An identity decision: `merge_id` is deterministic (a replayed event writes the same row again); `kind` is merge,
 * refused (linked but not merged) or split; `customer_id` the survivor (merge, refused) or the customer split from;
 * `other_id` the merged-away, not-merged or split-off one; `identifiers`/`evidence` JSON arrays; `event_ref` is
 * `producer/id` of the event, or `api/<key id>` for a split.
 */
export type IdentityMergeRow = RowOf<'identity_merges'>;
export type ConversationRow = RowOf<'conversations'>;

/** What one bus batch added to one event-time minute and dimension tuple (kpi_minute_contrib). */
export type KpiMinuteRow = RowOf<'kpi_minute_contrib'>;
/** The dimensions every KPI can be cut by ('' when unknown); `tag` is the customer tag: VIP, high_value or normal. */
export type KpiDims = Pick<KpiMinuteRow, 'channel' | 'source' | 'team' | 'agent' | 'tag'>;
/** Additive counters of one event-time minute and dimension tuple. */
export type KpiCounters = Omit<KpiMinuteRow, keyof KpiDims | 'bus_partition' | 'batch_offset' | 'minute' | 'version'>;
/** One row per conversation; `sla_met` is 1 met, 0 missed, null without an SLA; `outcome` '' while open. */
export type ConversationFactsRow = RowOf<'conversation_facts'>;
export type ResponseTimeRow = RowOf<'response_times'>;
export type DealFactsRow = RowOf<'deal_facts'>;
export type LateEventRow = RowOf<'late_events'>;
/** `sampled_at` is rounded down to 10 s; `kind` is queue or agent. */
export type RoutingGaugeRow = RowOf<'routing_gauges'>;

/** Keeps one row per key: the one with the highest version (or the last one). */
export function dedupeByKey<R extends Readonly<Record<string, unknown>>>(spec: TableSpec, rows: ReadonlyArray<R>): R[] {
  const byKey = new Map<string, R>();
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
