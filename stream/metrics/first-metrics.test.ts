import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventEnvelope, EventType } from '../../shared/envelope.js';
import { foldFirstMetrics, minuteKey, minuteOf, type ConversationState, type FoldOutput, type MinuteCounter, type OffsetEvent } from './first-metrics.js';

const T0 = Date.UTC(2026, 10, 24, 10, 0);
function ev(i: number, type: EventType, at: number, extra: Partial<EventEnvelope> = {}): OffsetEvent {
  return { offset: i, event: { id: `e${i}`, producer: 'p', type, channel: 'web', occurred_at: at, received_at: at, customer_key: 'ext:c', customer: {}, conversation_id: 'conv', agent_id: null, properties: {}, ...extra } };
}

describe('foldFirstMetrics', () => {
  it('counts events and conversations per minute and measures the first response', () => {
    const out = foldFirstMetrics({
      partition: 0,
      counters: new Map(),
      conversations: new Map(),
      events: [
        ev(0, 'conversation.started', T0 + 1000),
        ev(1, 'message.received', T0 + 2000),
        ev(2, 'message.sent', T0 + 47_000, { agent_id: 'a1' }),
        ev(3, 'message.sent', T0 + 70_000, { agent_id: 'a2' }),
      ],
    });
    expect(out.minuteRows).toEqual([
      { bus_partition: 0, minute: T0, channel: 'web', events: 3, conversations: 1, version: 2 },
      { bus_partition: 0, minute: T0 + 60_000, channel: 'web', events: 1, conversations: 0, version: 3 },
    ]);
    expect(out.firstResponseRows).toEqual([
      { conversation_id: 'conv', customer_key: 'ext:c', channel: 'web', started_at: T0 + 1000, first_response_at: T0 + 47_000, first_response_ms: 46_000, agent_id: 'a1', version: 3 },
    ]);
  });

  it('ignores agent messages sent before the customer first wrote', () => {
    const out = foldFirstMetrics({ partition: 0, counters: new Map(), conversations: new Map(), events: [ev(0, 'message.sent', T0), ev(1, 'message.received', T0 + 5000), ev(2, 'message.sent', T0 + 9000)] });
    expect(out.firstResponseRows[0].first_response_ms).toBe(4000);
  });

  /** Feeds events in chunks, carrying state between folds like the worker does. */
  function foldInChunks(events: OffsetEvent[], cuts: number[]): FoldOutput['minuteRows'] {
    const counters = new Map<string, MinuteCounter>();
    const conversations = new Map<string, ConversationState>();
    const rows = new Map<string, FoldOutput['minuteRows'][number]>();
    let frt = new Map<string, number | null>();
    const bounds = [0, ...cuts.filter((c) => c > 0 && c < events.length).sort((a, b) => a - b), events.length];
    for (let i = 0; i + 1 < bounds.length; i++) {
      const out = foldFirstMetrics({ partition: 0, counters, conversations, events: events.slice(bounds[i], bounds[i + 1]) });
      for (const [k, v] of out.counters) counters.set(k, v);
      for (const [k, v] of out.conversations) conversations.set(k, v);
      for (const r of out.minuteRows) rows.set(minuteKey(r.minute, r.channel), r);
      for (const r of out.firstResponseRows) frt.set(r.conversation_id, r.first_response_ms);
    }
    frtResult = frt;
    return [...rows.values()].sort((a, b) => a.minute - b.minute || a.channel.localeCompare(b.channel));
  }
  let frtResult = new Map<string, number | null>();

  it('gives the same rows however the stream is cut into batches (property)', () => {
    const arbEvent = fc.record({
      type: fc.constantFrom<EventType>('conversation.started', 'message.received', 'message.sent', 'touchpoint'),
      at: fc.integer({ min: 0, max: 10 * 60_000 }),
      channel: fc.constantFrom('web', 'sms', 'wechat'),
      conv: fc.constantFrom('c1', 'c2', 'c3'),
    });
    fc.assert(
      fc.property(fc.array(arbEvent, { minLength: 1, maxLength: 60 }), fc.array(fc.nat(60), { maxLength: 5 }), (list, cuts) => {
        const events = list.map((e, i) => ev(i, e.type, T0 + e.at, { channel: e.channel, conversation_id: e.conv }));
        const whole = foldInChunks(events, []);
        const frtWhole = frtResult;
        const chunked = foldInChunks(events, cuts);
        expect(chunked).toEqual(whole);
        expect(frtResult).toEqual(frtWhole);
        // and equals a batch recount from the raw events
        const recount = new Map<string, { events: number; conversations: number }>();
        for (const { event } of events) {
          const k = minuteKey(minuteOf(event.occurred_at), event.channel);
          const c = recount.get(k) ?? { events: 0, conversations: 0 };
          c.events++;
          if (event.type === 'conversation.started') c.conversations++;
          recount.set(k, c);
        }
        for (const r of whole) expect(recount.get(minuteKey(r.minute, r.channel))).toEqual({ events: r.events, conversations: r.conversations });
      }),
      { numRuns: 300 },
    );
  });
});
