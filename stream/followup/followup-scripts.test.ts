import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../shared/clock.js';
import { personalDataFor, sharedPrivacyKeys } from '../../test/support/privacy-keys.js';
import { MemoryStateStore } from '../state/memory-state-store.js';
import { timerKey } from './followup-scripts.js';
import { FollowupStore } from './followup-store.js';
import { leadOf, raceSchedulers, T0 } from './test/timer-harness.js';

describe('follow-up timers on the embedded store', () => {
  it('sends every step exactly once with two schedulers racing and crashing between claim and send and after the send', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const mem = new MemoryStateStore({ clock: manualClock(T0) });
      const { sends, published, states } = await raceSchedulers([mem, mem], { customers: 12, seed, crashRate: 0.3 });
      expect(states.map((s) => s.state)).toEqual(Array(12).fill('done'));
      const want = Array.from({ length: 12 }, (_, c) => [0, 1, 2].map((s) => `cus_${c}:1:${s}`)).flat();
      expect([...sends.keys()].sort()).toEqual(want.sort());
      expect([...sends.values()].every((n) => n === 1)).toBe(true);
      // Publishing again after a crash is allowed (same id, counted once downstream); no step has two ids.
      expect(new Set(published.filter((e) => e.type === 'followup.sent').map((e) => e.id)).size).toBe(36);
      expect(states.every((s) => s.history.length === 3 && s.history.every((h) => h.outcome === 'sent'))).toBe(true);
    }
  });

  it('a reply stops a running sequence, a stale claim cannot move it on, and an arm invalidates a pending claim', async () => {
    const s = new FollowupStore(new MemoryStateStore({ clock: manualClock(T0) }));
    expect(await s.arm('c', T0, leadOf(1))).toEqual({ armed: true, previous: '' });
    expect(await s.claim('c', T0 - 1, T0 + 10, 'a')).toEqual({ status: 'not_due', state: 'pending' });
    expect(await s.claim('c', T0, T0 + 10, 'a')).toEqual({ status: 'claimed', state: 'pending' });
    expect(await s.claim('c', T0 + 1, T0 + 10, 'b')).toEqual({ status: 'leased', state: 'pending' });
    await s.arm('c', T0 + 5, leadOf(1)); // the lead wrote again: the claim on the pending start is void
    expect((await s.advance({ customerId: 'c', token: 'a', state: 'active', step: 0, due: T0, start: { seq: 's', rule: 'r', gen: 1 } })).status).toBe('stale');
    expect(await s.claim('c', T0 + 5, T0 + 20, 'b')).toEqual({ status: 'claimed', state: 'pending' });
    expect(await s.advance({ customerId: 'c', token: 'b', state: 'active', step: 0, due: T0 + 6, start: { seq: 's', rule: 'r', gen: 1 } })).toEqual({
      status: 'advanced',
    });
    expect(await s.arm('c', T0 + 7, leadOf(1))).toEqual({ armed: false, previous: 'active' });
    expect(await s.stop('c', 'replied', T0 + 8, 'active')).toEqual({ stopped: true, previous: 'active', gen: 1, seq: 's', step: 0 });
    expect(await s.stop('c', 'replied', T0 + 9, 'active')).toEqual({ stopped: false, previous: 'stopped' });
    expect(await s.due(T0 + 100, 10)).toEqual([]);
    const v = await s.read('c');
    expect(v).toMatchObject({ state: 'stopped', stop: { reason: 'replied', at: T0 + 8 }, ran: ['r'], sequenceId: 's' });
    await s.setConsent('c', 'sms', 'opted_out', T0, 'sms_keyword');
    await s.arm('c', T0 + 50, leadOf(1));
    expect(await s.erase('c')).toBe(true);
    expect(await s.read('c')).toMatchObject({ state: 'none', lead: null, history: [] });
    expect(await s.due(T0 + 100, 10)).toEqual([]);
    expect(await s.optedOut('c')).toEqual(new Set(['sms']));
  });

  it('keeps the newest consent per channel whatever order the events arrive in', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ at: fc.nat(20), out: fc.boolean() }), { minLength: 1, maxLength: 12 }), async (changes) => {
        const s = new FollowupStore(new MemoryStateStore({ clock: manualClock(T0) }));
        for (const c of changes) await s.setConsent('c', 'sms', c.out ? 'opted_out' : 'opted_in', T0 + c.at, 'x');
        const newest = Math.max(...changes.map((c) => c.at));
        const states = new Set(changes.filter((c) => c.at === newest).map((c) => c.out));
        const rec = (await s.consent('c'))[0];
        // One state at the newest time: the record shows it, whatever came before or after.
        if (states.size === 1) expect(rec.state).toBe(states.has(true) ? 'opted_out' : 'opted_in');
      }),
      { numRuns: 200 },
    );
  });

  it('sealed: re-arming with the same addresses and name keeps the stored sealed lead; a change seals anew', async () => {
    const state = new MemoryStateStore({ clock: manualClock(T0) });
    const s = new FollowupStore(state, personalDataFor(sharedPrivacyKeys(), state));
    const sealedLead = async () => (JSON.parse((await state.hgetall(timerKey('c'))).lead) as { pd: string }).pd;
    await s.arm('c', T0, leadOf(1));
    const first = await sealedLead();
    await s.arm('c', T0 + 5, { ...leadOf(1, T0 + 5), intent: 'price_inquiry' });
    expect(await sealedLead()).toBe(first);
    expect((await s.read('c')).lead).toMatchObject({ customer: { phone: '+8613800000001' }, name: '客户1', intent: 'price_inquiry' });
    await s.arm('c', T0 + 6, { ...leadOf(1, T0 + 6), name: '客户一' });
    expect(await sealedLead()).not.toBe(first);
    expect((await s.read('c')).lead?.name).toBe('客户一');
  });
});
