import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { requireEngine, uniqueName } from '../../test/contracts/engines.js';
import { RedisStateStore } from '../state/redis-state-store.js';
import { deskOpArb, deskWorld } from './test/desk-world.js';

/** Three routing workers, each with its own Redis connection, racing on the same queues (a fresh key prefix per run). */
describe('routing desk on Redis', () => {
  const base = `${uniqueName('desk')}:`;
  afterAll(async () => {
    const sweeper = new RedisStateStore({ url: requireEngine('redis').redisUrl, keyPrefix: base });
    await sweeper.clearPrefix();
    await sweeper.close();
  });

  it('keeps every guarantee with several workers and concurrent accepts', async () => {
    const env = requireEngine('redis');
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(deskOpArb, { minLength: 1, maxLength: 50 }), fc.integer({ min: 1, max: 6 }), async (ops, round) => {
        const keyPrefix = `${base}${run++}:`;
        const conns = Array.from({ length: 3 }, () => new RedisStateStore({ url: env.redisUrl, keyPrefix }));
        const w = await deskWorld(conns);
        try {
          for (let i = 0; i < ops.length; i += round) await Promise.all(ops.slice(i, i + round).map((op, j) => w.run(op, i + j)));
          expect(await w.check()).toBeNull();
        } finally {
          await w.bus.close();
          await Promise.all(conns.map((c) => c.close()));
        }
      }),
      { numRuns: 60 },
    );
  });
});
