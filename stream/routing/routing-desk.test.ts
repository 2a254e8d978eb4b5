import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../shared/clock.js';
import { MemoryStateStore } from '../state/memory-state-store.js';
import { deskOpArb, deskWorld } from './test/desk-world.js';

describe('routing desk on the embedded store', () => {
  it('keeps every guarantee under random concurrent intake, dispatch, accept, timeouts, transfers, closes and presence changes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(deskOpArb, { minLength: 1, maxLength: 50 }), fc.integer({ min: 1, max: 5 }), async (ops, round) => {
        const state = new MemoryStateStore({ clock: manualClock(0) });
        const w = await deskWorld([state, state]);
        for (let i = 0; i < ops.length; i += round) await Promise.all(ops.slice(i, i + round).map((op, j) => w.run(op, i + j)));
        expect(await w.check()).toBeNull();
        await w.bus.close();
      }),
      { numRuns: 120 },
    );
  });

  it('re-routes an offer not accepted in time to another agent, at the queue head', async () => {
    const state = new MemoryStateStore({ clock: manualClock(0) });
    const w = await deskWorld([state]);
    const { desk } = w.workers[0];
    await desk.setPresence('a2', 'offline');
    await w.run({ k: 'start', c: 1, buy: true }, 0);
    await desk.dispatch('g1');
    expect(await desk.store.conv('c1')).toMatchObject({ status: 'offered', agent: 'a1' });
    await desk.setPresence('a2', 'online');
    await w.run({ k: 'tick', ms: 4000 }, 0);
    expect((await desk.store.conv('c1'))?.agent).toBe('a1');
    await w.run({ k: 'tick', ms: 2000 }, 0);
    expect(await desk.store.conv('c1')).toMatchObject({ status: 'offered', agent: 'a2', declined: ['a1'] });
    await expect(desk.accept('a1', 'c1')).rejects.toMatchObject({ code: 'ROUTE_ERR_CONFLICT' });
    expect(await desk.accept('a2', 'c1')).toEqual({ status: 'active', agent_id: 'a2' });
    await w.bus.close();
  });
});
