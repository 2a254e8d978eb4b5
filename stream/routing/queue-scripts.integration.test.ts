import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../shared/clock.js';
import { requireEngine, uniqueName } from '../../test/contracts/engines.js';
import { MemoryStateStore } from '../state/memory-state-store.js';
import { RedisStateStore } from '../state/redis-state-store.js';
import { QueueStore } from './queue-store.js';
import { opArb, runConcurrently, runOp, snapshotState, violation } from './test/queue-guarantees.js';

/**
 * The queue scripts as Lua on the real Redis: the same answers and state as
 * the local form, and the guarantees when driven from several connections
 * at once (several routing workers). Each run gets its own key prefix, so no
 * run sees another's keys; one sweep at the end removes them all.
 */
describe('persisted queues on Redis', () => {
  const base = `${uniqueName('queues')}:`;
  let run = 0;
  const open = (n: number) => {
    const env = requireEngine('redis');
    const keyPrefix = `${base}${run++}:`;
    return Array.from({ length: n }, () => new RedisStateStore({ url: env.redisUrl, keyPrefix }));
  };
  afterAll(async () => {
    const sweeper = new RedisStateStore({ url: requireEngine('redis').redisUrl, keyPrefix: base });
    await sweeper.clearPrefix();
    await sweeper.close();
  });

  // Two conversations only (the second case): long histories of one conversation, so the re-triage on words
  // (queued, offered in the same or another group, after a transfer, replayed) comes up often.
  it.each([
    ['every random sequence', opArb, 1, 100],
    ['long histories of few conversations', opArb.map((op) => ({ ...op, c: op.c % 2 })), 20, 60],
  ])('Lua and local forms give identical answers and state for %s', async (_name, arb, minLength, numRuns) => {
    await fc.assert(
      fc.asyncProperty(fc.array(arb, { minLength, maxLength: 40 }), async (ops) => {
        const [redis] = open(1);
        try {
          const mem = new MemoryStateStore({ clock: manualClock(0) });
          const [qr, qm] = [new QueueStore(redis, 0), new QueueStore(mem, 0)];
          for (const [i, op] of ops.entries()) expect(await runOp(qr, op, i)).toEqual(await runOp(qm, op, i));
          expect(await snapshotState(redis)).toEqual(await snapshotState(mem));
        } finally {
          await redis.close();
        }
      }),
      { numRuns },
    );
  });

  it('never loses, double-assigns or overfills under random concurrent operations from 3 workers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 10, maxLength: 80 }), fc.integer({ min: 1, max: 8 }), async (ops, round) => {
        const conns = open(3);
        try {
          const enqueued = await runConcurrently(conns, ops, round);
          expect(await violation(conns[0], enqueued)).toBeNull();
        } finally {
          await Promise.all(conns.map((c) => c.close()));
        }
      }),
      { numRuns: 400 },
    );
  });
});
