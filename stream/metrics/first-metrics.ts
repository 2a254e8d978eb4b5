import type { EventEnvelope } from '../../shared/envelope.js';
import type { ChannelMinuteRow, FirstResponseRow } from '../../warehouse/tables.js';

/**
 * The first metric set as a pure fold over one partition's events:
 * events and new conversations per channel per event-time minute, and the
 * first response time of each conversation. State in, state and rows out.
 */

export interface MinuteCounter {
  events: number;
  conversations: number;
}

export interface ConversationState {
  channel: string;
  customer_key: string;
  /** Earliest customer-side contact (conversation.started or message.received), epoch ms. */
  started_at: number | null;
  /** Earliest agent replies as [time, agent], sorted, at most MAX_OUTBOUND. */
  outbound: Array<[number, string | null]>;
}

export interface OffsetEvent {
  offset: number;
  event: EventEnvelope;
}

export interface FoldInput {
  partition: number;
  events: OffsetEvent[];
  /** Current counters by `minuteKey`, for every minute/channel the events touch (absent = zero). */
  counters: Map<string, MinuteCounter>;
  /** Current states by conversation id, for every conversation the events touch. */
  conversations: Map<string, ConversationState>;
}

export interface FoldOutput {
  counters: Map<string, MinuteCounter>;
  conversations: Map<string, ConversationState>;
  minuteRows: ChannelMinuteRow[];
  firstResponseRows: FirstResponseRow[];
}

const MAX_OUTBOUND = 16;
export const MINUTE_MS = 60_000;

export function minuteOf(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

/** Identity of a counter within its partition. */
export function minuteKey(minute: number, channel: string): string {
  return `${minute}|${channel}`;
}

const INBOUND = new Set(['conversation.started', 'message.received']);

/** The first agent reply at or after the customer's first contact. */
export function firstResponse(s: ConversationState): { at: number; agent: string | null } | null {
  if (s.started_at === null) return null;
  for (const [t, agent] of s.outbound) if (t >= s.started_at) return { at: t, agent };
  return null;
}

/**
 * Folds events (already deduplicated) into counters and conversation states.
 * Inputs are not mutated. Rows carry absolute values, versioned by the bus
 * offset, so writing them again (a replay) changes nothing.
 */
export function foldFirstMetrics(input: FoldInput): FoldOutput {
  const counters = new Map<string, MinuteCounter>();
  const conversations = new Map<string, ConversationState>();
  const counterVersion = new Map<string, number>();
  const convVersion = new Map<string, number>();

  const counter = (k: string): MinuteCounter => {
    let c = counters.get(k);
    if (!c) {
      const prev = input.counters.get(k);
      c = { events: prev?.events ?? 0, conversations: prev?.conversations ?? 0 };
      counters.set(k, c);
    }
    return c;
  };
  const conversation = (id: string, e: EventEnvelope): ConversationState => {
    let s = conversations.get(id);
    if (!s) {
      const prev = input.conversations.get(id);
      s = prev ? { ...prev, outbound: [...prev.outbound] } : { channel: e.channel, customer_key: e.customer_key, started_at: null, outbound: [] };
      conversations.set(id, s);
    }
    return s;
  };

  for (const { offset, event: e } of input.events) {
    const k = minuteKey(minuteOf(e.occurred_at), e.channel);
    const c = counter(k);
    c.events += 1;
    if (e.type === 'conversation.started') c.conversations += 1;
    counterVersion.set(k, offset);

    if (!e.conversation_id) continue;
    if (!INBOUND.has(e.type) && e.type !== 'message.sent') continue;
    const s = conversation(e.conversation_id, e);
    if (INBOUND.has(e.type)) {
      if (s.started_at === null || e.occurred_at < s.started_at) {
        s.started_at = e.occurred_at;
        if (e.type === 'conversation.started') s.channel = e.channel;
      }
    } else {
      s.outbound.push([e.occurred_at, e.agent_id]);
      s.outbound.sort((a, b) => a[0] - b[0]);
      if (s.outbound.length > MAX_OUTBOUND) s.outbound.length = MAX_OUTBOUND;
    }
    convVersion.set(e.conversation_id, offset);
  }

  const minuteRows: ChannelMinuteRow[] = [];
  for (const [k, c] of counters) {
    const bar = k.indexOf('|');
    minuteRows.push({
      bus_partition: input.partition,
      minute: Number(k.slice(0, bar)),
      channel: k.slice(bar + 1),
      events: c.events,
      conversations: c.conversations,
      version: counterVersion.get(k)!,
    });
  }
  const firstResponseRows: FirstResponseRow[] = [];
  for (const [id, s] of conversations) {
    if (s.started_at === null) continue;
    const fr = firstResponse(s);
    firstResponseRows.push({
      conversation_id: id,
      customer_key: s.customer_key,
      channel: s.channel,
      started_at: s.started_at,
      first_response_at: fr?.at ?? null,
      first_response_ms: fr ? fr.at - s.started_at : null,
      agent_id: fr?.agent ?? null,
      version: convVersion.get(id)!,
    });
  }
  return { counters, conversations, minuteRows, firstResponseRows };
}
