/**
 * The KPI catalogue (issue 6, docs/metrics.md): for each KPI its unit, the named query that
 * computes it (sql/queries/kpi_*.sql and duckdb/ twins), the extra fields beside `value`, the dimensions it
 * can be grouped and filtered by, and how its drill-down finds the conversations behind a bucket.
 * Definitions and the batch SQL that recomputes each one from `events`: docs/metrics.md.
 */

export type KpiUnit = 'count' | 'ms' | 'ratio' | 'score';
export const GROUP_BYS = ['none', 'channel', 'source', 'team', 'agent', 'tag', 'group'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];
export const FILTER_NAMES = ['channel', 'source', 'team', 'agent', 'tag'] as const;
export type FilterName = (typeof FILTER_NAMES)[number];
export type KpiFilters = Partial<Record<FilterName, string>>;

/** Which conversations a drill-down lists: by which time, narrowed to which ones (kpi_drill_conversations.sql). */
export interface DrillSpec {
  time_col: 'started_at' | 'assigned_at' | 'last_event_at' | 'won_at';
  only: 'all' | 'first_response' | 'closed' | 'assigned' | 'csat' | 'nps' | 'complaint' | 'opportunity' | 'deal';
}

/** An aggregate over kpi_minute_contrib columns: an integer sum, a float sum, or a ratio of sums (NULL when `per` sums to 0). */
export type KpiAgg = { count: string } | { total: string } | { of: readonly string[]; per: string; scale?: number };

/**
 * How a KPI's named query is generated (warehouse/kpi-sql.ts, one template per dialect and source):
 * - `contrib`: sums of kpi_minute_contrib `columns`, one reply field per entry of `fields` (value first);
 * - `facts`: the distribution (value = average, count, p50_ms, p90_ms) of `x` over the newest version of each
 *   `key` in `table`, bucketed by the time column `time` (`<time>_ms` in ClickHouse), kept where `keep` holds.
 */
export type KpiSql =
  | { source: 'contrib'; columns: readonly string[]; fields: Readonly<Record<string, KpiAgg>> }
  | { source: 'facts'; table: string; key: readonly string[]; time: string; x: string; keep?: { nonNegative: string } | { notNull: string } };

export interface KpiDef {
  unit: KpiUnit;
  query: string;
  /** The query's column that is the KPI's value ('value' unless the query serves several KPIs). */
  valueColumn: string;
  /** Numeric fields beside value, as the reply names them. */
  extras: readonly string[];
  groupBys: readonly GroupBy[];
  filters: readonly FilterName[];
  drill: DrillSpec | null;
  summary: string;
  /** The generated query's recipe; absent, the query is a file in sql/queries (and duckdb/). */
  sql?: KpiSql;
}

const DIMS = ['channel', 'source', 'team', 'agent', 'tag'] as const;
const ALL_GROUPS: readonly GroupBy[] = ['none', ...DIMS];
const DIST = ['count', 'p50_ms', 'p90_ms'] as const;
const RATIO = ['numerator', 'denominator'] as const;

const counter = (query: string, extras: readonly string[], unit: KpiUnit, drill: DrillSpec, summary: string, sql: KpiSql): KpiDef => ({
  unit,
  query,
  valueColumn: 'value',
  extras,
  groupBys: ALL_GROUPS,
  filters: DIMS,
  drill,
  summary,
  sql,
});
/** A sum of contributions (`contrib`): `fields` in reply order, value first. */
const sums = (columns: readonly string[], fields: Record<string, KpiAgg>): KpiSql => ({ source: 'contrib', columns, fields });
/** numerator / denominator with both counts beside it. */
const ratioOf = (num: string, den: string): KpiSql =>
  sums([num, den], { value: { of: [num], per: den }, numerator: { count: num }, denominator: { count: den } });
const conversations = (x: string, time: string, keep?: { nonNegative: string } | { notNull: string }): KpiSql => ({
  source: 'facts',
  table: 'conversation_facts',
  key: ['conversation_id'],
  time,
  x,
  ...(keep ? { keep } : {}),
});

export const KPI_CATALOGUE = {
  events: {
    unit: 'count',
    query: 'kpi_channel_counts',
    valueColumn: 'events',
    extras: [],
    groupBys: ['none', 'channel'],
    filters: ['channel'],
    drill: { time_col: 'last_event_at', only: 'all' },
    summary: 'events by event time (channel_minute)',
  },
  conversations: {
    unit: 'count',
    query: 'kpi_channel_counts',
    valueColumn: 'conversations',
    extras: [],
    groupBys: ['none', 'channel'],
    filters: ['channel'],
    drill: { time_col: 'started_at', only: 'all' },
    summary: 'conversations started (channel_minute)',
  },
  inquiries: counter(
    'kpi_inquiries',
    [],
    'count',
    { time_col: 'started_at', only: 'all' },
    'Σ conversation.started',
    sums(['inquiries'], { value: { count: 'inquiries' } }),
  ),
  first_response: counter(
    'kpi_first_response',
    DIST,
    'ms',
    { time_col: 'started_at', only: 'first_response' },
    'average ms to the first agent reply, by conversation start',
    conversations('first_response_ms', 'started_at'),
  ),
  response_time: counter(
    'kpi_response_time',
    DIST,
    'ms',
    { time_col: 'last_event_at', only: 'first_response' },
    'average ms from the earliest unanswered customer message to the reply, by reply time',
    {
      source: 'facts',
      table: 'response_times',
      key: ['conversation_id', 'reply_id'],
      time: 'replied_at',
      x: 'response_ms',
      keep: { nonNegative: 'response_ms' },
    },
  ),
  session_duration: counter(
    'kpi_session_duration',
    DIST,
    'ms',
    { time_col: 'started_at', only: 'closed' },
    'average ms from start to last event of closed conversations, by start',
    conversations('duration_ms', 'started_at', { notNull: 'closed_at' }),
  ),
  inquiry_to_opportunity: counter(
    'kpi_inquiry_to_opportunity',
    RATIO,
    'ratio',
    { time_col: 'started_at', only: 'all' },
    'opportunities / inquiries',
    ratioOf('opportunities', 'inquiries'),
  ),
  opportunity_to_deal: counter(
    'kpi_opportunity_to_deal',
    RATIO,
    'ratio',
    { time_col: 'started_at', only: 'opportunity' },
    'deals / opportunities',
    ratioOf('deals', 'opportunities'),
  ),
  deal_cycle: counter('kpi_deal_cycle', DIST, 'ms', { time_col: 'won_at', only: 'all' }, 'average ms from first touch to deal won, by won time', {
    source: 'facts',
    table: 'deal_facts',
    key: ['deal_id'],
    time: 'won_at',
    x: 'cycle_ms',
  }),
  deals: counter(
    'kpi_deals',
    ['value_sum'],
    'count',
    { time_col: 'won_at', only: 'all' },
    'Σ deal.won, with value_sum',
    sums(['deals', 'deal_value'], { value: { count: 'deals' }, value_sum: { total: 'deal_value' } }),
  ),
  csat: counter(
    'kpi_csat',
    ['count', 'satisfied_share'],
    'score',
    { time_col: 'started_at', only: 'csat' },
    'average CSAT (1-5); satisfied = score ≥ 4',
    sums(['csat_sum', 'csat_count', 'csat_satisfied'], {
      value: { of: ['csat_sum'], per: 'csat_count' },
      count: { count: 'csat_count' },
      satisfied_share: { of: ['csat_satisfied'], per: 'csat_count' },
    }),
  ),
  nps: counter(
    'kpi_nps',
    ['count', 'promoters', 'detractors'],
    'score',
    { time_col: 'started_at', only: 'nps' },
    '100 × (promoters − detractors) / answers',
    sums(['nps_count', 'nps_promoters', 'nps_detractors'], {
      value: { of: ['nps_promoters', 'nps_detractors'], per: 'nps_count', scale: 100 },
      count: { count: 'nps_count' },
      promoters: { count: 'nps_promoters' },
      detractors: { count: 'nps_detractors' },
    }),
  ),
  complaint_rate: counter(
    'kpi_complaint_rate',
    RATIO,
    'ratio',
    { time_col: 'started_at', only: 'complaint' },
    'complaints / inquiries',
    ratioOf('complaints', 'inquiries'),
  ),
  queue_length: {
    unit: 'count',
    query: 'kpi_queue_length',
    valueColumn: 'value',
    extras: ['max'],
    groupBys: ['none', 'team', 'group'],
    filters: ['team'],
    drill: { time_col: 'assigned_at', only: 'assigned' },
    summary: 'average conversations waiting over the 10 s samples (group = routing group)',
  },
  queue_wait: counter(
    'kpi_queue_wait',
    DIST,
    'ms',
    { time_col: 'assigned_at', only: 'assigned' },
    'average ms waited for the assignment that ended the wait, by assignment time',
    conversations('wait_ms', 'assigned_at'),
  ),
  agent_load: {
    unit: 'ratio',
    query: 'kpi_agent_load',
    valueColumn: 'value',
    extras: ['open_avg', 'capacity'],
    groupBys: ['none', 'team', 'agent'],
    filters: ['team', 'agent'],
    drill: { time_col: 'assigned_at', only: 'assigned' },
    summary: 'open conversations / capacity over the agent samples',
  },
  sla_attainment: counter(
    'kpi_sla_attainment',
    RATIO,
    'ratio',
    { time_col: 'assigned_at', only: 'assigned' },
    'assignments within the SLA / assignments that ended a wait',
    ratioOf('sla_met', 'sla_total'),
  ),
  // The FAQ bot against people (one query, kpi_bot.sql, serves four KPIs; docs/metrics.md "Bot").
  bot_resolved_share: {
    unit: 'ratio',
    query: 'kpi_bot',
    valueColumn: 'resolved_share',
    extras: ['bot_resolved', 'conversations', 'bot_conversations', 'handed_off', 'csat_bot', 'csat_bot_count', 'csat_human', 'csat_human_count'],
    groupBys: ['none', 'channel'],
    filters: ['channel'],
    drill: null,
    summary: 'conversations the bot answered with no handoff and no person replying / conversations started',
  },
  bot_handoff_rate: {
    unit: 'ratio',
    query: 'kpi_bot',
    valueColumn: 'handoff_rate',
    extras: ['handed_off', 'bot_conversations'],
    groupBys: ['none', 'channel'],
    filters: ['channel'],
    drill: null,
    summary: 'bot conversations the bot handed to a person / conversations the bot replied in',
  },
  csat_bot: {
    unit: 'score',
    query: 'kpi_bot',
    valueColumn: 'csat_bot',
    extras: ['csat_bot_count'],
    groupBys: ['none', 'channel'],
    filters: ['channel'],
    drill: null,
    summary: 'average CSAT (1-5) of bot-resolved conversations',
  },
  csat_human: {
    unit: 'score',
    query: 'kpi_bot',
    valueColumn: 'csat_human',
    extras: ['csat_human_count'],
    groupBys: ['none', 'channel'],
    filters: ['channel'],
    drill: null,
    summary: 'average CSAT (1-5) of conversations a person replied in',
  },
  late_events: {
    unit: 'count',
    query: 'kpi_late_events',
    valueColumn: 'value',
    extras: [],
    groupBys: ['none', 'channel'],
    filters: ['channel'],
    drill: null,
    summary: 'events later than the allowed lateness, by the window they belonged to',
  },
} as const satisfies Record<string, KpiDef>;

export type KpiName = keyof typeof KPI_CATALOGUE;
export const KPI_NAMES = Object.keys(KPI_CATALOGUE) as KpiName[];

export function isKpiName(name: string): name is KpiName {
  return Object.prototype.hasOwnProperty.call(KPI_CATALOGUE, name);
}

export function kpiDef(name: KpiName): KpiDef {
  return KPI_CATALOGUE[name];
}

/** Stats an alert rule may watch on a KPI: value, p50/p90 for the distributions, or any extra field. */
export function kpiStats(name: KpiName): string[] {
  const def = kpiDef(name);
  const stats = ['value', ...def.extras];
  if (def.extras.includes('p50_ms')) stats.push('p50', 'p90');
  return stats;
}

/** The reply field a stat reads: p50 → p50_ms, p90 → p90_ms, else the stat itself. */
export const statField = (stat: string): string => (stat === 'p50' || stat === 'p90' ? `${stat}_ms` : stat);
