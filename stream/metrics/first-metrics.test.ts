import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventEnvelope, EventType } from '../../shared/envelope.js';
import { foldFirstMetrics, minuteKey, minuteOf, type FoldOutput, type MinuteCounter, type OffsetEvent } from './first-metrics.js';

const T0 = Date.UTC(2026, 10, 24, 10, 0);
function ev(i: number, type: EventType, at: number, extra: Partial<EventEnvelope> = {}): OffsetEvent {
  return { offset: i, event: { id: `e${i}`, producer: 'p', type, channel: 'web', occurred_at: at, received_at: at, customer_key: 'ext:c', customer: {}, conversation_id: 'conv', agent_id: null, properties: {}, ...extra } };
}

describe('foldFirstMetrics', () => {
  it('counts events and conversations per channel per event-time minute, versioned by offset', () => {
    const out = foldFirstMetrics({
      partition: 0,
      counters: new Map([[minuteKey(T0, 'web'), { events: 5, conversations: 2 }]]),
      events: [ev(7, 'conversation.started', T0 + 1000), ev(8, 'message.received', T0 + 2000), ev(9, 'message.sent', T0 + 70_000, { channel: 'sms' })],
    });
    expect(out.minuteRows).toEqual([
      { bus_partition: 0, minute: T0, channel: 'web', events: 7, conversations: 3, version: 8 },
      { bus_partition: 0, minute: T0 + 60_000, channel: 'sms', events: 1, conversations: 0, version: 9 },
    ]);
  });

  /** Feeds events in chunks, carrying state between folds like the worker does. */
  function foldInChunks(events: OffsetEvent[], cuts: number[]): FoldOutput['minuteRows'] {
    const counters = new Map<string, MinuteCounter>();
    const rows = new Map<string, FoldOutput['minuteRows'][number]>();
    const bounds = [0, ...cuts.filter((c) => c > 0 && c < events.length).sort((a, b) => a - b), events.length];
    for (let i = 0; i + 1 < bounds.length; i++) {
      const out = foldFirstMetrics({ partition: 0, counters, events: events.slice(bounds[i], bounds[i + 1]) });
      for (const [k, v] of out.counters) counters.set(k, v);
      for (const r of out.minuteRows) rows.set(minuteKey(r.minute, r.channel), r);
    }
    return [...rows.values()].sort((a, b) => a.minute - b.minute || a.channel.localeCompare(b.channel));
  }

  it('gives the same rows however the stream is cut into batches, equal to a batch recount (property)', () => {
    const arbEvent = fc.record({
      type: fc.constantFrom<EventType>('conversation.started', 'message.received', 'message.sent', 'touchpoint'),
      at: fc.integer({ min: 0, max: 10 * 60_000 }),
      channel: fc.constantFrom('web', 'sms', 'wechat'),
    });
    fc.assert(
      fc.property(fc.array(arbEvent, { minLength: 1, maxLength: 60 }), fc.array(fc.nat(60), { maxLength: 5 }), (list, cuts) => {
        const events = list.map((e, i) => ev(i, e.type, T0 + e.at, { channel: e.channel }));
        const whole = foldInChunks(events, []);
        expect(foldInChunks(events, cuts)).toEqual(whole);
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
