import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../shared/clock.js';
import { requireEngine, uniqueName } from '../../test/contracts/engines.js';
import { MemoryStateStore } from '../state/memory-state-store.js';
import { RedisStateStore } from '../state/redis-state-store.js';
import { FollowupStore } from './followup-store.js';
import { raceSchedulers, runTimerOp, T0, timerOpArb, timerSnapshot } from './test/timer-harness.js';

/**
 * The follow-up timer scripts as Lua on the real Redis: the same answers and
 * state as the local form for random operation sequences, and exactly one
 * send per step when two schedulers on two connections race and crash.
 */
describe('follow-up timers on Redis', () => {
  const base = `${uniqueName('followup')}:`;
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

  it('Lua and local forms give identical answers and state', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(timerOpArb, { minLength: 1, maxLength: 40 }), async (ops) => {
        const [redis] = open(1);
        try {
          const [r, m] = [new FollowupStore(redis), new FollowupStore(new MemoryStateStore({ clock: manualClock(T0) }))];
          const [tr, tm] = [new Map<number, string>(), new Map<number, string>()];
          for (const [i, op] of ops.entries()) expect(await runTimerOp(r, op, i, tr)).toEqual(await runTimerOp(m, op, i, tm));
          expect(await timerSnapshot(redis)).toEqual(await timerSnapshot(m.state));
        } finally {
          await redis.close();
        }
      }),
      { numRuns: 150 },
    );
  });

  it('sends every step exactly once with two schedulers on two connections racing and crashing', async () => {
    for (const seed of [11, 12, 13]) {
      const conns = open(2);
      try {
        const { sends, states } = await raceSchedulers(conns, { customers: 10, seed, crashRate: 0.3 });
        expect(states.map((s) => s.state)).toEqual(Array(10).fill('done'));
        expect(sends.size).toBe(30);
        expect([...sends.values()].every((n) => n === 1)).toBe(true);
      } finally {
        await Promise.all(conns.map((c) => c.close()));
      }
    }
  });
});
