import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { ErrorCode } from './errors.js';
import { checkBounds, NUMBER_BOUNDS } from './payload-bounds.js';

/** Event types of the public event API v1. */
export const EVENT_TYPES = [
  'touchpoint',
  'conversation.started',
  'message.received',
  'message.sent',
  'conversation.assigned',
  'conversation.closed',
  'opportunity.created',
  'deal.won',
  'deal.lost',
  'csat.submitted',
  'nps.submitted',
  'complaint.filed',
  'followup.sent',
  'followup.stopped',
  'consent.changed',
  'experiment.exposed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Channels Omnilane knows by name; others are accepted if they match CHANNEL_PATTERN. */
export const KNOWN_CHANNELS = ['web', 'app', 'sms', 'email', 'whatsapp', 'wechat', 'voice', 'social', 'ad'] as const;
export const CHANNEL_PATTERN = '^[a-z][a-z0-9_]{0,31}$';

export const CustomerInput = Type.Object(
  {
    external_id: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    anonymous_id: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    email: Type.Optional(Type.String({ minLength: 3, maxLength: 320 })),
    phone: Type.Optional(Type.String({ minLength: 3, maxLength: 32 })),
    channel_ids: Type.Optional(Type.Record(Type.String({ pattern: CHANNEL_PATTERN }), Type.String({ minLength: 1, maxLength: 256 }))),
  },
  { additionalProperties: false },
);

/** One event as a producer posts it to `POST /v1/events`. */
export const EventInput = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 128 }),
    type: Type.String({ minLength: 1, maxLength: 64 }),
    channel: Type.String({ pattern: CHANNEL_PATTERN }),
    occurred_at: Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Number()]),
    customer: CustomerInput,
    conversation_id: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 128 }), Type.Null()])),
    agent_id: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 128 }), Type.Null()])),
    properties: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);
export type EventInput = Static<typeof EventInput>;
export type CustomerInput = Static<typeof CustomerInput>;

/**
 * The normalised event every stage after ingest sees. Times are epoch ms (UTC).
 * `customer_key` is the bus key: all events of one customer share a partition.
 */
export interface EventEnvelope {
  id: string;
  producer: string;
  type: EventType;
  channel: string;
  occurred_at: number;
  received_at: number;
  customer_key: string;
  customer: CustomerInput;
  conversation_id: string | null;
  agent_id: string | null;
  properties: Record<string, unknown>;
}

export type ValidationResult = { ok: true; event: EventEnvelope } | { ok: false; code: ErrorCode; message: string };

const checkEvent = TypeCompiler.Compile(EventInput);
const typeSet = new Set<string>(EVENT_TYPES);
const EARLIEST = Date.UTC(2000, 0, 1);
const MAX_FUTURE_MS = 24 * 3600 * 1000;
const ISO_PATTERN = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Parses ISO-8601 (offset or Z; no offset means UTC) or epoch milliseconds. */
export function parseTimestamp(value: string | number): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : null;
  const s = value.trim();
  if (/^\d{10,16}$/.test(s)) return Number(s);
  if (!ISO_PATTERN.test(s)) return null;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(s);
  const ms = Date.parse(hasZone || s.length <= 10 ? s : `${s}Z`);
  return Number.isNaN(ms) ? null : ms;
}

/** Lower-cases and trims an email; null when it is not shaped like one. */
export function normaliseEmail(email: string): string | null {
  const e = email.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+$/.test(e) ? e : null;
}

/** Keeps a leading + and the digits; null when fewer than 5 digits remain. */
export function normalisePhone(phone: string): string | null {
  const t = phone.trim();
  const digits = t.replace(/\D/g, '');
  if (digits.length < 5) return null;
  return (t.startsWith('+') || t.startsWith('00') ? '+' : '') + (t.startsWith('00') ? digits.slice(2) : digits);
}

/**
 * The bus key for a customer, by strength of evidence: the producer's own id,
 * then email, phone, anonymous id, then a channel id. Null when there is none.
 * (The identity graph of the omnichannel issue links these across channels.)
 */
export function customerKey(c: CustomerInput): string | null {
  if (c.external_id) return `ext:${c.external_id}`;
  if (c.email) {
    const e = normaliseEmail(c.email);
    if (e) return `email:${e}`;
  }
  if (c.phone) {
    const p = normalisePhone(c.phone);
    if (p) return `phone:${p}`;
  }
  if (c.anonymous_id) return `anon:${c.anonymous_id}`;
  if (c.channel_ids) {
    const names = Object.keys(c.channel_ids).sort();
    if (names.length > 0) return `ch:${names[0]}:${c.channel_ids[names[0]]}`;
  }
  return null;
}

/** Why a follow-up sequence ended (docs/follow-up.md). */
export const FOLLOWUP_STOP_REASONS = ['replied', 'converted', 'agent', 'opted_out', 'cancelled', 'erased', 'completed', 'no_address'] as const;
/** Consent states a `consent.changed` event may carry. */
export const CONSENT_STATES = ['opted_out', 'opted_in'] as const;

const isStepIndex = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) < 1000;
const isName = (v: unknown) => typeof v === 'string' && /^[A-Za-z0-9_.:-]{1,128}$/.test(v);
const EXPERIMENT_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

function checkTypeProperties(type: EventType, p: Record<string, unknown>): string | null {
  switch (type) {
    case 'followup.sent':
      return isName(p.sequence_id) && isStepIndex(p.step)
        ? null
        : 'followup.sent needs properties.sequence_id (1-128 of A-Z a-z 0-9 _ . : -) and an integer properties.step from 0 to 999';
    case 'followup.stopped':
      return isName(p.sequence_id) && (FOLLOWUP_STOP_REASONS as readonly unknown[]).includes(p.reason)
        ? null
        : `followup.stopped needs properties.sequence_id and properties.reason, one of ${FOLLOWUP_STOP_REASONS.join(', ')}`;
    case 'consent.changed':
      return typeof p.consent_channel === 'string' &&
        new RegExp(CHANNEL_PATTERN).test(p.consent_channel) &&
        (CONSENT_STATES as readonly unknown[]).includes(p.state)
        ? null
        : `consent.changed needs properties.consent_channel (a channel name) and properties.state, one of ${CONSENT_STATES.join(', ')}`;
    case 'csat.submitted':
      return typeof p.score === 'number' && p.score >= 1 && p.score <= 5 ? null : 'csat.submitted needs properties.score between 1 and 5';
    case 'nps.submitted':
      return Number.isInteger(p.score) && (p.score as number) >= 0 && (p.score as number) <= 10
        ? null
        : 'nps.submitted needs an integer properties.score between 0 and 10';
    case 'experiment.exposed':
      // The experiment report groups by these two (docs/experiments.md); anything else would be an exposure to nothing.
      return typeof p.experiment_id === 'string' && EXPERIMENT_ID.test(p.experiment_id) && typeof p.variant === 'string' && EXPERIMENT_ID.test(p.variant)
        ? null
        : 'experiment.exposed needs properties.experiment_id and properties.variant (lower-case letters, digits, - and _, at most 64)';
    default:
      return null;
  }
}

/** Money must stay summable: a finite number in [0, NUMBER_BOUNDS.moneyMax] (ING_ERR_OUT_OF_RANGE beyond). */
function checkMoney(type: EventType, p: Record<string, unknown>): string | null {
  if (type !== 'deal.won' && type !== 'opportunity.created') return null;
  const v = p.value;
  if (v === undefined) return null;
  if (typeof v !== 'number') return `${type} properties.value must be a number`;
  return Number.isFinite(v) && v >= 0 && v <= NUMBER_BOUNDS.moneyMax ? null : `${type} properties.value ${v} is outside [0, ${NUMBER_BOUNDS.moneyMax}]`;
}

/**
 * Validates one posted event and normalises it into an envelope. Pure: `now`
 * and `producer` are given. Never throws for bad data.
 */
export function validateEvent(input: unknown, producer: string, now: number): ValidationResult {
  if (!checkEvent.Check(input)) {
    const first = checkEvent.Errors(input).First();
    const where = first?.path ? first.path.replace(/^\//, '').replace(/\//g, '.') : 'event';
    return { ok: false, code: 'ING_ERR_INVALID_EVENT', message: `${where || 'event'}: ${first?.message ?? 'invalid'}` };
  }
  const e = input;
  if (!typeSet.has(e.type)) {
    return { ok: false, code: 'ING_ERR_UNKNOWN_TYPE', message: `type "${e.type}" is not one of ${EVENT_TYPES.join(', ')}` };
  }
  const at = parseTimestamp(e.occurred_at);
  if (at === null || at < EARLIEST || at > now + MAX_FUTURE_MS) {
    return {
      ok: false,
      code: 'ING_ERR_BAD_TIMESTAMP',
      message: `occurred_at ${JSON.stringify(e.occurred_at)} is not a valid time between 2000-01-01 and tomorrow`,
    };
  }
  const key = customerKey(e.customer);
  if (!key) {
    return { ok: false, code: 'ING_ERR_NO_CUSTOMER_ID', message: 'customer needs one of external_id, email, phone, anonymous_id or channel_ids' };
  }
  const properties = e.properties ?? {};
  const type = e.type as EventType;
  // Structure before semantics: depth, sizes, Unicode and number ranges of the whole event, walked
  // without recursion, so a hostile event is refused alone before anything downstream recurses on it.
  const bounds = checkBounds(e);
  if (bounds) return { ok: false, ...bounds };
  const money = checkMoney(type, properties);
  if (money) return { ok: false, code: typeof properties.value === 'number' ? 'ING_ERR_OUT_OF_RANGE' : 'ING_ERR_INVALID_EVENT', message: money };
  const bad = checkTypeProperties(type, properties);
  if (bad) return { ok: false, code: 'ING_ERR_INVALID_EVENT', message: bad };
  return {
    ok: true,
    event: {
      id: e.id,
      producer,
      type,
      channel: e.channel,
      occurred_at: at,
      received_at: now,
      customer_key: key,
      customer: e.customer,
      conversation_id: e.conversation_id ?? null,
      agent_id: e.agent_id ?? null,
      properties,
    },
  };
}

/** The dedup identity of an event: ids are unique per producer. */
export function eventUid(e: Pick<EventEnvelope, 'producer' | 'id'>): string {
  return `${e.producer}\u0000${e.id}`;
}
