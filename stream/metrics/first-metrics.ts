import type { EventEnvelope } from '../../shared/envelope.js';
import type { ChannelMinuteRow } from '../../warehouse/tables.js';

/**
 * The first metric set as a pure fold over one partition's events: events and
 * new conversations per channel per event-time minute (the board's traffic
 * charts). State in, state and rows out. First response and every other
 * conversation KPI live in stream/kpis.
 */

export interface MinuteCounter {
  events: number;
  conversations: number;
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
}

export interface FoldOutput {
  counters: Map<string, MinuteCounter>;
  minuteRows: ChannelMinuteRow[];
}

export const MINUTE_MS = 60_000;

export function minuteOf(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

/** Identity of a counter within its partition. */
export function minuteKey(minute: number, channel: string): string {
  return `${minute}|${channel}`;
}

/**
 * Folds events (already deduplicated) into counters. Inputs are not mutated.
 * Rows carry absolute values, versioned by the bus offset, so writing them
 * again (a replay) changes nothing.
 */
export function foldFirstMetrics(input: FoldInput): FoldOutput {
  const counters = new Map<string, MinuteCounter>();
  const counterVersion = new Map<string, number>();
  for (const { offset, event: e } of input.events) {
    const k = minuteKey(minuteOf(e.occurred_at), e.channel);
    let c = counters.get(k);
    if (!c) {
      const prev = input.counters.get(k);
      c = { events: prev?.events ?? 0, conversations: prev?.conversations ?? 0 };
      counters.set(k, c);
    }
    c.events += 1;
    if (e.type === 'conversation.started') c.conversations += 1;
    counterVersion.set(k, offset);
  }
  const minuteRows: ChannelMinuteRow[] = [];
  for (const [k, c] of counters) {
    const bar = k.indexOf('|');
    minuteRows.push({ bus_partition: input.partition, minute: Number(k.slice(0, bar)), channel: k.slice(bar + 1), events: c.events, conversations: c.conversations, version: counterVersion.get(k)! });
  }
  return { counters, minuteRows };
}
