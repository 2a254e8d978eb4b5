import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventEnvelope, EventType } from '../../shared/envelope.js';
import { channelContributions, minuteKey, minuteOf } from './first-metrics.js';

const T0 = Date.UTC(2026, 10, 24, 10, 0);
function ev(i: number, type: EventType, at: number, extra: Partial<EventEnvelope> = {}): EventEnvelope {
  return {
    id: `e${i}`,
    producer: 'p',
    type,
    channel: 'web',
    occurred_at: at,
    received_at: at,
    customer_key: 'ext:c',
    customer: {},
    conversation_id: 'conv',
    agent_id: null,
    properties: {},
    ...extra,
  };
}

describe('channelContributions', () => {
  it("counts a batch's events and conversations per channel per event-time minute, keyed by the batch", () => {
    const rows = channelContributions(
      2,
      700,
      [ev(7, 'conversation.started', T0 + 1000), ev(8, 'message.received', T0 + 2000), ev(9, 'message.sent', T0 + 70_000, { channel: 'sms' })],
      5,
    );
    expect(rows).toEqual([
      { bus_partition: 2, batch_offset: 700, minute: T0, channel: 'web', events: 2, conversations: 1, version: 5 },
      { bus_partition: 2, batch_offset: 700, minute: T0 + 60_000, channel: 'sms', events: 1, conversations: 0, version: 5 },
    ]);
  });

  it('an event of any age lands in its own minute', () => {
    const old = T0 - 30 * 86_400_000;
    expect(channelContributions(0, 0, [ev(1, 'conversation.started', old + 5)], 1)).toEqual([
      { bus_partition: 0, batch_offset: 0, minute: old, channel: 'web', events: 1, conversations: 1, version: 1 },
    ]);
  });

  it('summed over any cut into batches, equals a batch recount (property)', () => {
    const arbEvent = fc.record({
      type: fc.constantFrom<EventType>('conversation.started', 'message.received', 'message.sent', 'touchpoint'),
      at: fc.integer({ min: -3 * 86_400_000, max: 10 * 60_000 }),
      channel: fc.constantFrom('web', 'sms', 'wechat'),
    });
    fc.assert(
      fc.property(fc.array(arbEvent, { minLength: 1, maxLength: 60 }), fc.array(fc.nat(60), { maxLength: 5 }), (list, cuts) => {
        const events = list.map((e, i) => ev(i, e.type, T0 + e.at, { channel: e.channel }));
        const bounds = [0, ...cuts.filter((c) => c > 0 && c < events.length).sort((a, b) => a - b), events.length];
        const summed = new Map<string, { events: number; conversations: number }>();
        for (let i = 0; i + 1 < bounds.length; i++) {
          for (const r of channelContributions(0, bounds[i], events.slice(bounds[i], bounds[i + 1]), 1)) {
            const c = summed.get(minuteKey(r.minute, r.channel)) ?? { events: 0, conversations: 0 };
            c.events += r.events;
            c.conversations += r.conversations;
            summed.set(minuteKey(r.minute, r.channel), c);
          }
        }
        const recount = new Map<string, { events: number; conversations: number }>();
        for (const e of events) {
          const k = minuteKey(minuteOf(e.occurred_at), e.channel);
          const c = recount.get(k) ?? { events: 0, conversations: 0 };
          c.events++;
          if (e.type === 'conversation.started') c.conversations++;
          recount.set(k, c);
        }
        expect(summed).toEqual(recount);
      }),
      { numRuns: 300 },
    );
  });
});
