import type { EventEnvelope } from '../../shared/envelope.js';
import type { ChannelMinuteRow } from '../../shared/tables.js';

/**
 * The first metric set as a pure function of one bus batch: events and new
 * conversations per channel per event-time minute (the board's traffic
 * charts), as the batch's additive contribution. First response and every
 * other conversation KPI live in stream/kpis.
 */

export interface OffsetEvent {
  offset: number;
  event: EventEnvelope;
}

export const MINUTE_MS = 60_000;

export function minuteOf(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

/** Identity of a counter within a batch. */
export function minuteKey(minute: number, channel: string): string {
  return `${minute}|${channel}`;
}

/**
 * What the batch starting at `batchOffset` adds per (minute, channel): its
 * counted events of any age, so a late event lands in its own minute. No state
 * is read: a lost StateStore cannot shrink these rows, and a replay of the
 * same batch writes the same rows (readers sum them).
 */
export function channelContributions(partition: number, batchOffset: number, events: readonly EventEnvelope[], version: number): ChannelMinuteRow[] {
  const rows = new Map<string, ChannelMinuteRow>();
  for (const e of events) {
    const minute = minuteOf(e.occurred_at);
    const k = minuteKey(minute, e.channel);
    let r = rows.get(k);
    if (!r) rows.set(k, (r = { bus_partition: partition, batch_offset: batchOffset, minute, channel: e.channel, events: 0, conversations: 0, version }));
    r.events += 1;
    if (e.type === 'conversation.started') r.conversations += 1;
  }
  return [...rows.values()];
}
