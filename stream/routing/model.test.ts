import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { candidateFor, compareQueued, eligible, emptyQueue, enqueue, onShift, removeFromQueue, type Agent, type Conversation } from './model.js';

const conv = (id: string, o: Partial<Conversation> = {}): Conversation => ({
  id,
  tag: 'normal',
  channel: 'web',
  intent: 'other',
  priority: 0,
  enqueuedAt: 0,
  ...o,
});

describe('queue order', () => {
  it('puts VIP before high_value before normal, then priority, then SLA due, then waiting time', () => {
    const items = [
      conv('n-old', { enqueuedAt: 1 }),
      conv('n-new', { enqueuedAt: 9 }),
      conv('n-sla', { slaDueAt: 100, enqueuedAt: 50 }),
      conv('n-sla-sooner', { slaDueAt: 50, enqueuedAt: 60 }),
      conv('n-prio', { priority: 80, enqueuedAt: 99 }),
      conv('hv', { tag: 'high_value', enqueuedAt: 99 }),
      conv('vip', { tag: 'VIP', enqueuedAt: 100 }),
    ];
    let q = emptyQueue('sales');
    for (const c of items) q = enqueue(q, c);
    expect(q.items.map((c) => c.id)).toEqual(['vip', 'hv', 'n-prio', 'n-sla-sooner', 'n-sla', 'n-old', 'n-new']);
  });

  it('enqueue keeps the order of a full sort, replaces by id, and remove takes one out', () => {
    const arb = fc.record({
      id: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
      tag: fc.constantFrom('VIP' as const, 'high_value' as const, 'normal' as const),
      priority: fc.integer({ min: 0, max: 3 }),
      slaDueAt: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
      enqueuedAt: fc.integer({ min: 0, max: 5 }),
    });
    fc.assert(
      fc.property(fc.array(arb, { maxLength: 20 }), (raw) => {
        const cs = raw.map((r) => conv(r.id, r));
        const q = cs.reduce(enqueue, emptyQueue('g'));
        const latest = new Map(cs.map((c) => [c.id, c]));
        expect(q.items).toEqual([...latest.values()].sort(compareQueued));
        if (q.items.length) expect(removeFromQueue(q, q.items[0].id).items).toEqual(q.items.slice(1));
        expect(removeFromQueue(q, 'zz')).toBe(q);
      }),
    );
  });
});

describe('working hours and eligibility', () => {
  // 2025-11-24 is a Monday. 01:30 UTC = 09:30 in Shanghai.
  const mon0130 = Date.UTC(2025, 10, 24, 1, 30);
  const hour = 3_600_000;

  it('reads the shift in the agent time zone', () => {
    const wh = { timeZone: 'Asia/Shanghai', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' };
    expect(onShift(wh, mon0130)).toBe(true);
    expect(onShift(wh, mon0130 - hour)).toBe(false); // 08:30 local
    expect(onShift(wh, mon0130 + 8.5 * hour)).toBe(false); // 18:00 local: end is exclusive
    expect(onShift({ ...wh, timeZone: 'UTC' }, mon0130)).toBe(false);
    expect(onShift(undefined, mon0130)).toBe(true);
  });

  it('a night shift belongs to the day it starts', () => {
    const wh = { timeZone: 'UTC', days: [0], start: '22:00', end: '06:00' }; // Sunday night
    expect(onShift(wh, mon0130)).toBe(true); // Monday 01:30 UTC
    expect(onShift(wh, mon0130 + 7 * 24 * hour - 2 * 24 * hour)).toBe(false); // Saturday 01:30
    expect(onShift(wh, Date.UTC(2025, 10, 23, 23, 0))).toBe(true); // Sunday 23:00
  });

  it('offers only online agents on shift with a free slot on the channel', () => {
    const a = (id: string, o: Partial<Agent> = {}): Agent => ({ id, skills: {}, groups: [], capacity: { web: 2 }, presence: 'online', ...o });
    const cands = [
      candidateFor(a('ok'), 'web', 1),
      candidateFor(a('full'), 'web', 2),
      candidateFor(a('away', { presence: 'away' }), 'web', 0),
      candidateFor(a('offline', { presence: 'offline' }), 'web', 0),
      candidateFor(a('no-web', { capacity: { sms: 3 } }), 'web', 0),
      candidateFor(a('off-shift', { workingHours: { timeZone: 'UTC', days: [2], start: '00:00', end: '23:59' } }), 'web', 0),
    ];
    expect(eligible(conv('c'), cands, mon0130).map((c) => c.agent.id)).toEqual(['ok']);
  });
});
