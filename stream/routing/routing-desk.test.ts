import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../shared/clock.js';
import type { StateStore } from '../../shared/ports/state-store.js';
import { MemoryStateStore } from '../state/memory-state-store.js';
import { queueKey } from './queue-keys.js';
import { deskOpArb, deskWorld, SMALL_ROSTER } from './test/desk-world.js';

/** Conversations of `group` still queued while an online agent of the group has room on the web channel (should be none after a dispatch). */
async function waitingBesideRoom(w: Awaited<ReturnType<typeof deskWorld>>, group: string): Promise<string[]> {
  const { desk } = w.workers[0];
  const agents = SMALL_ROSTER.agents.filter((a) => a.groups.includes(group));
  const presence = await desk.presences(agents.map((a) => a.id));
  const room = await Promise.all(
    agents.map(async (a, j) => {
      const slot = desk.slotFor(a, 'web');
      return presence[j] === 'online' && (await desk.store.load(a.id, slot.loadCh)) < slot.capacity;
    }),
  );
  if (!room.some(Boolean)) return [];
  return (await desk.store.queue(group)).map((e) => e[1]);
}

/** Counts whole-queue reads (`hgetall` of a queue key) made through a store. */
function countingQueueReads(state: StateStore): { store: StateStore; reads: () => number } {
  let n = 0;
  const store = new Proxy(state, {
    get(target, prop, receiver) {
      if (prop === 'hgetall')
        return (key: string) => {
          if (key.startsWith(queueKey(''))) n++;
          return target.hgetall(key);
        };
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { store, reads: () => n };
}

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

  it('leaves nobody waiting while an online agent of the group has room on the channel, after any history', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(deskOpArb, { minLength: 1, maxLength: 40 }), async (ops) => {
        const state = new MemoryStateStore({ clock: manualClock(0) });
        const w = await deskWorld([state]);
        for (const [i, op] of ops.entries()) await w.run(op, i);
        for (const g of ['g1', 'g2']) {
          await w.workers[0].desk.dispatch(g);
          expect(await waitingBesideRoom(w, g)).toEqual([]);
        }
        await w.bus.close();
      }),
      { numRuns: 100 },
    );
  });

  it('does not read a queue while every online agent of its group is full, and offers its head once one has room', async () => {
    const counted = countingQueueReads(new MemoryStateStore({ clock: manualClock(0) }));
    const w = await deskWorld([counted.store]);
    const { desk } = w.workers[0];
    await desk.setPresence('a2', 'offline'); // g1 is served by a1 alone (capacity 1)
    for (let c = 1; c <= 4; c++) await w.run({ k: 'start', c, buy: true }, 0);
    expect(await desk.dispatch('g1')).toBe(1);
    expect(await desk.store.conv('c1')).toMatchObject({ status: 'offered', agent: 'a1' });
    const before = counted.reads();
    expect(await desk.dispatch('g1')).toBe(0);
    expect(counted.reads()).toBe(before);
    expect((await desk.store.queue('g1')).map((e) => e[1])).toEqual(['c2', 'c3', 'c4']);
    await desk.setPresence('a2', 'online');
    expect((await desk.store.conv('c2'))?.status).toBe('offered');
    expect(counted.reads()).toBeGreaterThan(before);
    await w.bus.close();
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
