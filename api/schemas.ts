import { Type } from '@sinclair/typebox';
import { GROUP_BYS, KPI_NAMES } from '../shared/kpi-catalogue.js';

const Frt = Type.Object({
  count: Type.Integer(),
  avg_ms: Type.Union([Type.Number(), Type.Null()]),
  p50_ms: Type.Union([Type.Number(), Type.Null()]),
  p90_ms: Type.Union([Type.Number(), Type.Null()]),
});

const NullNum = Type.Union([Type.Number(), Type.Null()]);

/** The board's KPI tiles over its window (issue 6); null where there is no data. */
export const KpiSummary = Type.Object({
  window_minutes: Type.Integer(),
  inquiries: NullNum,
  opportunities: NullNum,
  deals: NullNum,
  deal_value: NullNum,
  inquiry_to_opportunity: NullNum,
  opportunity_to_deal: NullNum,
  csat_avg: NullNum,
  csat_satisfied_share: NullNum,
  nps: NullNum,
  complaint_rate: NullNum,
  response_p50_ms: NullNum,
  response_p90_ms: NullNum,
  sla_attainment: NullNum,
  queue_length: NullNum,
  agent_load: NullNum,
  bot_resolved_share: NullNum,
  bot_handoff_rate: NullNum,
  csat_bot: NullNum,
  csat_human: NullNum,
});

/** A firing alert rule (api/alerts). */
export const FiringAlert = Type.Object({
  rule_id: Type.String(),
  kpi: Type.String(),
  stat: Type.String(),
  op: Type.String(),
  threshold: Type.Number(),
  value: NullNum,
  since: Type.String({ format: 'date-time' }),
  message_en: Type.String(),
  message_zh: Type.String(),
});

export const BoardSnapshot = Type.Object({
  generated_at: Type.String({ format: 'date-time' }),
  window_minutes: Type.Integer(),
  time_zone: Type.String({ description: 'IANA zone (KPI_TIME_ZONE) every board chart draws its time axes in' }),
  totals: Type.Object({ events: Type.Integer(), conversations: Type.Integer(), first_response: Frt }),
  channels: Type.Array(Type.Object({ channel: Type.String(), events: Type.Integer(), conversations: Type.Integer(), first_response: Frt })),
  series: Type.Array(Type.Object({ minute: Type.String(), channel: Type.String(), events: Type.Integer(), conversations: Type.Integer() })),
  kpis: KpiSummary,
  alerts: Type.Array(FiringAlert, { description: 'alert rules firing now' }),
});

export const BoardQuery = Type.Object({ minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440, default: 60 })) });

const Dim = (what: string) => Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: `only ${what} (exact match)` }));
const Filters = {
  channel: Dim('this channel'),
  source: Dim('this source'),
  team: Dim('this team'),
  agent: Dim('this agent id'),
  tag: Dim('this customer tag (VIP, high_value, normal)'),
};
const GroupByParam = Type.Optional(
  Type.Union(
    GROUP_BYS.map((g) => Type.Literal(g)),
    {
      default: 'channel',
      description: 'none, channel, source, team, agent, tag; group (routing group) for queue_length. Which ones a KPI knows: GET /v1/metrics',
    },
  ),
);
const GranularityParam = Type.Optional(
  Type.Union([Type.Literal('minute'), Type.Literal('hour'), Type.Literal('day')], {
    default: 'minute',
    description: 'hour and day align to the time zone (KPI_TIME_ZONE)',
  }),
);

export const MetricParams = Type.Object({ kpi: Type.String({ description: `one of ${KPI_NAMES.join(', ')}` }) });
export const MetricQuery = Type.Object({
  from: Type.Optional(Type.String({ description: 'ISO-8601 or epoch ms; default: `to` minus 60 minutes' })),
  to: Type.Optional(Type.String({ description: 'ISO-8601 or epoch ms, exclusive; default: now' })),
  granularity: GranularityParam,
  group_by: GroupByParam,
  ...Filters,
});

export const MetricPoint = Type.Object(
  {
    bucket: Type.String({ format: 'date-time', description: 'bucket start' }),
    group: Type.Union([Type.String(), Type.Null()], { description: 'the group_by value; null when group_by=none' }),
    channel: Type.Union([Type.String(), Type.Null()], { description: 'the group when group_by=channel, else the channel filter or null' }),
    value: NullNum,
  },
  {
    additionalProperties: NullNum,
    description:
      "plus the KPI's extra fields: count, p50_ms, p90_ms, numerator, denominator, value_sum, satisfied_share, promoters, detractors, max, open_avg, capacity",
  },
);

export const MetricReply = Type.Object({
  kpi: Type.String(),
  unit: Type.String({ description: 'count, ms, ratio or score' }),
  granularity: Type.String(),
  time_zone: Type.String({ description: 'IANA zone the hour and day buckets align to' }),
  group_by: Type.String(),
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  series: Type.Array(MetricPoint),
});

export const MetricCatalogueReply = Type.Object({
  time_zone: Type.String(),
  kpis: Type.Array(
    Type.Object({
      kpi: Type.String(),
      unit: Type.String(),
      summary: Type.String(),
      fields: Type.Array(Type.String()),
      group_by: Type.Array(Type.String()),
      filters: Type.Array(Type.String()),
      drill: Type.Boolean(),
    }),
  ),
});

export const DrillQuery = Type.Object({
  bucket: Type.Optional(Type.String({ description: 'bucket start (ISO-8601 or epoch ms) with granularity; or give from and to' })),
  granularity: GranularityParam,
  from: Type.Optional(Type.String({ description: 'window start instead of a bucket' })),
  to: Type.Optional(Type.String({ description: 'window end (exclusive) instead of a bucket' })),
  group_by: GroupByParam,
  group: Type.Optional(Type.String({ maxLength: 128, description: 'one group of group_by' })),
  ...Filters,
});

export const DrillReply = Type.Object({
  conversations: Type.Array(
    Type.Object({
      conversation_id: Type.String(),
      customer_key: Type.String(),
      channel: Type.String(),
      source: Type.String(),
      team: Type.String(),
      agent: Type.String(),
      tag: Type.String(),
      started_at: Type.String({ format: 'date-time' }),
      first_response_ms: NullNum,
      outcome: Type.String({ description: "opportunity, deal, lost, resolved; '' while open" }),
    }),
    { description: 'at most 200, newest first' },
  ),
});

// ── Attribution and funnel (issue 7) ─────────────────────────────────────────────────────────────────────────

const Num = Type.Number();
const NullableNum = Type.Union([Type.Number(), Type.Null()]);
const Interval = Type.Union([Type.Tuple([Type.Number(), Type.Number()]), Type.Null()], {
  description: 'bootstrap 95 % percentile interval [lower, upper], or null',
});
const TimeParam = (what: string) => Type.Optional(Type.String({ description: `ISO-8601 or epoch ms; ${what}` }));

export const AttributionQuery = Type.Object({
  from: TimeParam('only runs whose window starts at or after this; default: no bound'),
  to: TimeParam('only runs whose window ends at or before this; default: no bound'),
});

export const AttributionModelReply = Type.Object({
  model: Type.String({ description: 'markov, shapley, first, last, linear, time_decay or position' }),
  order: Type.Union([Type.Integer(), Type.Null()], { description: 'Markov order; null for other models' }),
  run_id: Type.String(),
  run_at: Type.String({ format: 'date-time' }),
  window_from: Type.String({ format: 'date-time' }),
  window_to: Type.String({ format: 'date-time' }),
  journeys: Type.Integer({ description: 'converting and non-converting journeys that ended in the window' }),
  total_conversions: Num,
  total_value: Num,
  channels: Type.Array(
    Type.Object({
      channel: Type.String({ description: 'touchpoint label, e.g. ad, web_chat, phone_follow_up' }),
      removal_effect: Type.Union([Type.Number(), Type.Null()], { description: 'Markov only: 1 − P(conversion | channel removed) / P(conversion)' }),
      conversions: Num,
      value: Num,
      conversions_ci: Interval,
      value_ci: Interval,
    }),
  ),
});

export const AttributionReply = Type.Object({
  channels: Type.Array(Type.String(), { description: 'every channel of any model, sorted' }),
  models: Type.Array(AttributionModelReply, { description: 'the latest run of each model (empty before the first run)' }),
  job: Type.Object({
    running: Type.Boolean(),
    last_run_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'last run of this process' }),
  }),
});

export const AttributionRunBody = Type.Union(
  [
    Type.Object(
      {
        from: TimeParam('window start; default: `to` minus the lookback'),
        to: TimeParam('window end, exclusive; default: now'),
      },
      { additionalProperties: false },
    ),
    Type.Null(),
  ],
  { description: 'Optional window; without one the rolling window ending now.' },
);

export const AttributionRunReply = Type.Object({
  run_id: Type.String(),
  run_at: Type.String({ format: 'date-time' }),
  window_from: Type.String({ format: 'date-time' }),
  window_to: Type.String({ format: 'date-time' }),
  journeys: Type.Integer(),
  conversions: Num,
  value: Num,
  nulls: Num,
  open: Type.Integer({ description: 'journeys still inside their lookback window (not counted yet)' }),
  unattributed_conversions: Type.Integer({ description: 'conversions without a touchpoint before them' }),
  channels: Type.Array(Type.String()),
  models: Type.Array(Type.String()),
  duration_ms: Num,
});

export const TransitionsReply = Type.Object({
  run_id: Type.Union([Type.String(), Type.Null()]),
  run_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  order: Type.Integer(),
  window_from: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  window_to: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  transitions: Type.Array(
    Type.Object({
      from: Type.String({ description: '(start), a channel, or a channel tuple' }),
      to: Type.String({ description: 'a channel, (conversion) or (null)' }),
      probability: Num,
    }),
  ),
});

export const FUNNEL_BY = ['channel', 'source', 'segment'] as const;

export const FunnelQuery = Type.Object({
  from: TimeParam('inquiries from; default: `to` minus 30 days'),
  to: TimeParam('inquiries before, exclusive; default: now'),
  by: Type.Optional(
    Type.Union(
      FUNNEL_BY.map((b) => Type.Literal(b)),
      { default: 'channel', description: 'channel, source (properties.source) or segment (properties.tag) of the inquiry' },
    ),
  ),
  window_hours: Type.Optional(Type.Integer({ minimum: 1, maximum: 8760, default: 168, description: 'conversion window per step, hours' })),
});

const FunnelRow = Type.Object({
  key: Type.String({ description: 'the group; "" when the inquiry has no such property' }),
  inquiries: Type.Integer(),
  opportunities: Type.Integer(),
  deals: Type.Integer(),
  deal_value: Num,
  opportunity_rate: Num,
  deal_rate: Num,
  overall_rate: Num,
  avg_inquiry_to_opportunity_ms: NullableNum,
  avg_opportunity_to_deal_ms: NullableNum,
  avg_inquiry_to_deal_ms: NullableNum,
});

export const FunnelReply = Type.Object({
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  by: Type.String(),
  window_hours: Type.Integer(),
  steps: Type.Array(Type.String(), { description: 'inquiry, opportunity, deal' }),
  groups: Type.Array(FunnelRow),
  total: FunnelRow,
});
