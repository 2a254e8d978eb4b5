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
