import { Type } from '@sinclair/typebox';
import { EVENT_TYPES, EventInput } from '../shared/envelope.js';

export const ErrorReply = Type.Object({ code: Type.String(), message: Type.String() }, { $id: 'ErrorReply' });

export const IngestBody = Type.Object(
  { events: Type.Array(EventInput, { minItems: 1, maxItems: 1000, description: `Event types: ${EVENT_TYPES.join(', ')}` }) },
  { description: 'Up to 1000 events and 1 MiB. Each event is validated by itself: an invalid one is rejected, its siblings still land.' },
);

export const IngestReply = Type.Object({
  accepted: Type.Integer({ description: 'Events stored now.' }),
  duplicates: Type.Integer({ description: 'Events whose (producer, id) was already accepted; counted once.' }),
  rejected: Type.Array(Type.Object({ index: Type.Integer(), code: Type.String(), message: Type.String() })),
});

const Frt = Type.Object({
  count: Type.Integer(),
  avg_ms: Type.Union([Type.Number(), Type.Null()]),
  p50_ms: Type.Union([Type.Number(), Type.Null()]),
  p90_ms: Type.Union([Type.Number(), Type.Null()]),
});

export const BoardSnapshot = Type.Object({
  generated_at: Type.String({ format: 'date-time' }),
  window_minutes: Type.Integer(),
  totals: Type.Object({ events: Type.Integer(), conversations: Type.Integer(), first_response: Frt }),
  channels: Type.Array(Type.Object({ channel: Type.String(), events: Type.Integer(), conversations: Type.Integer(), first_response: Frt })),
  series: Type.Array(Type.Object({ minute: Type.String(), channel: Type.String(), events: Type.Integer(), conversations: Type.Integer() })),
});

export const BoardQuery = Type.Object({ minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440, default: 60 })) });

export const KPIS = ['events', 'conversations', 'first_response'] as const;
export const GRANULARITY_SECONDS = { minute: 60, hour: 3600, day: 86400 } as const;

export const MetricParams = Type.Object({ kpi: Type.Union(KPIS.map((k) => Type.Literal(k))) });
export const MetricQuery = Type.Object({
  from: Type.Optional(Type.String({ description: 'ISO-8601 or epoch ms; default: `to` minus 60 minutes' })),
  to: Type.Optional(Type.String({ description: 'ISO-8601 or epoch ms, exclusive; default: now' })),
  granularity: Type.Optional(Type.Union([Type.Literal('minute'), Type.Literal('hour'), Type.Literal('day')], { default: 'minute' })),
  channel: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]{0,31}$' })),
});

export const MetricReply = Type.Object({
  kpi: Type.String(),
  granularity: Type.String(),
  from: Type.String(),
  to: Type.String(),
  unit: Type.String({ description: 'count or ms' }),
  series: Type.Array(
    Type.Object({
      bucket: Type.String({ format: 'date-time' }),
      channel: Type.String(),
      value: Type.Union([Type.Number(), Type.Null()]),
      count: Type.Optional(Type.Integer()),
      p50_ms: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
      p90_ms: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
    }),
  ),
});

// ── Attribution and funnel (issue 7) ─────────────────────────────────────────────────────────────────────────

const Num = Type.Number();
const NullableNum = Type.Union([Type.Number(), Type.Null()]);
const Interval = Type.Union([Type.Tuple([Type.Number(), Type.Number()]), Type.Null()], { description: 'bootstrap 95 % percentile interval [lower, upper], or null' });
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
  by: Type.Optional(Type.Union(FUNNEL_BY.map((b) => Type.Literal(b)), { default: 'channel', description: 'channel, source (properties.source) or segment (properties.tag) of the inquiry' })),
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
