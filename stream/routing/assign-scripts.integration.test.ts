import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../shared/clock.js';
import { requireEngine, uniqueName } from '../../test/contracts/engines.js';
import { MemoryStateStore } from '../state/memory-state-store.js';
import { RedisStateStore } from '../state/redis-state-store.js';
import { assignCall, assignConversationScript, assignmentKey } from './assign-scripts.js';
import { CHANNEL, capsArb, makeWorld, opArb, runOp, snapshot, violation, type Step } from './routing-fixtures.js';

/**
 * The assignment scripts on the real Redis (Lua): the same answers as the
 * embedded store (local form) for the same sequence, and the guarantees under
 * concurrent assigns and releases from several connections.
 */
describe('routing assignment scripts on Redis', () => {
  const conns: RedisStateStore[] = [];
  let keyPrefix: string | undefined;
  const connect = (n: number) => {
    const env = requireEngine('redis');
    keyPrefix ??= `${uniqueName('routing')}:`;
    while (conns.length < n) conns.push(new RedisStateStore({ url: env.redisUrl, keyPrefix }));
    return conns;
  };
  afterAll(async () => {
    await conns[0]?.clearPrefix();
    await Promise.all(conns.map((c) => c.close()));
  });

  it('Lua and local give identical results and state for every random sequence', async () => {
    const [redis] = connect(1);
    await fc.assert(
      fc.asyncProperty(capsArb, fc.array(opArb, { minLength: 1, maxLength: 40 }), async (caps, ops) => {
        await redis.clearPrefix();
        const mem = new MemoryStateStore({ clock: manualClock(1_764_000_000_000) });
        const [wr, wm] = [makeWorld(caps), makeWorld(caps)];
        const rSteps: Step[] = [];
        for (const o of ops) {
          const [r, m] = [await runOp(redis, wr, o), await runOp(mem, wm, o)];
          expect(r).toEqual(m);
          rSteps.push(r);
        }
        const snap = await snapshot(redis);
        expect(snap).toEqual(await snapshot(mem));
        expect(violation(wr, snap, rSteps)).toBeNull();
        await mem.close();
      }),
      { numRuns: 60 },
    );
  });

  it('keeps the guarantees under concurrent assigns, releases and presence changes from several connections', async () => {
    const stores = connect(3);
    let contended = 0;
    await fc.assert(
      fc.asyncProperty(capsArb, fc.array(fc.array(opArb, { minLength: 2, maxLength: 12 }), { minLength: 1, maxLength: 6 }), async (caps, batches) => {
        await stores[0].clearPrefix();
        const w = makeWorld(caps);
        const steps: Step[] = [];
        for (const batch of batches) {
          const done = await Promise.all(batch.map((o, i) => runOp(stores[i % stores.length], w, o)));
          steps.push(...done);
          if (done.filter((x) => x.out.status === 'assigned').length > 1) contended++;
          expect(violation(w, await snapshot(stores[0]), steps)).toBeNull();
        }
      }),
      { numRuns: 60 },
    );
    expect(contended).toBeGreaterThan(5);
  });

  it('many workers racing to assign one conversation and to fill one agent: one assignment, capacity respected', async () => {
    const stores = connect(3);
    await stores[0].clearPrefix();
    const call = (conv: string) => assignCall(conv, CHANNEL, [{ agentId: 'a1', capacity: 5 }, { agentId: 'a2', capacity: 2 }], 60_000);
    const same = await Promise.all(Array.from({ length: 30 }, (_v, i) => stores[i % 3].atomic(assignConversationScript, call('hot').keys, call('hot').args)));
    expect(same.filter((r) => r.status === 'assigned')).toEqual([{ status: 'assigned', agentId: 'a1', load: 1 }]);
    expect(same.filter((r) => r.status === 'existing')).toHaveLength(29);
    const many = await Promise.all(Array.from({ length: 30 }, (_v, i) => stores[i % 3].atomic(assignConversationScript, call(`c${i}`).keys, call(`c${i}`).args)));
    const won = many.filter((r) => r.status === 'assigned');
    expect(won.filter((r) => r.agentId === 'a1')).toHaveLength(4);
    expect(won.filter((r) => r.agentId === 'a2')).toHaveLength(2);
    expect(many.filter((r) => r.status === 'no_capacity')).toHaveLength(24);
    expect(await stores[0].pttl(assignmentKey('hot'))).toBeGreaterThan(0);
  });
});
