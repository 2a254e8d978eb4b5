import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../shared/clock.js';
import { MemoryStateStore } from '../../stream/state/memory-state-store.js';
import { RedisStateStore } from '../../stream/state/redis-state-store.js';
import { requireEngine, uniqueName } from '../../test/contracts/engines.js';
import { checkWindows, limitArb, type TakeLog } from './rate-limit-checks.js';
import { BUCKET_TTL_MARGIN_MS, SharedRateLimiter, tokenBucketScript } from './rate-limit.js';

const opened: RedisStateStore[] = [];
let prefix: string | undefined;
/** A new connection (a "process") on this run's key prefix. */
const openRedis = () => {
  const env = requireEngine('redis');
  prefix ??= `${uniqueName('ratelimit')}:`;
  const st = new RedisStateStore({ url: env.redisUrl, keyPrefix: prefix });
  opened.push(st);
  return st;
};
afterAll(async () => {
  if (opened[0]) await opened[0].clearPrefix();
  for (const st of opened) await st.close();
});

describe('SharedRateLimiter on Redis', () => {
  it('is one limit across processes (two connections, two clocks)', async () => {
    const t0 = Date.UTC(2026, 0, 2, 8);
    const c1 = manualClock(t0);
    const c2 = manualClock(t0 + 5);
    const p1 = new SharedRateLimiter(openRedis(), 2, 3, c1, 'shared:');
    const p2 = new SharedRateLimiter(openRedis(), 2, 3, c2, 'shared:');
    const got = [await p1.take('ip'), await p2.take('ip'), await p1.take('ip'), await p2.take('ip')];
    expect(got.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(got[3].retryAfterMs).toBe(495);
    c1.advance(500);
    expect((await p1.take('ip')).allowed).toBe(true);
    expect((await p2.take('ip')).allowed).toBe(false);
  });

  it('stores the same value with the same expiry as the embedded store', async () => {
    const redis = openRedis();
    const clock = manualClock(1_767_340_800_000);
    const memory = new MemoryStateStore({ clock });
    try {
      for (const st of [redis, memory]) await st.atomic(tokenBucketScript, ['same'], [String(clock.now()), '10', '50', '3']);
      expect(await redis.get('same')).toBe(await memory.get('same'));
      expect(await redis.get('same')).toBe('47000000 1767340800000');
      const ttl = await redis.pttl('same');
      expect(ttl).toBeGreaterThan(5000 + BUCKET_TTL_MARGIN_MS - 2000);
      expect(ttl).toBeLessThanOrEqual(5000 + BUCKET_TTL_MARGIN_MS);
    } finally {
      await memory.close();
    }
  });
});

describe('SharedRateLimiter: Redis (lua) and the embedded store (local) decide identically', () => {
  it('same decisions for every generated call sequence, never more than burst + rate × elapsed', async () => {
    const redis = openRedis();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(limitArb, fc.array(fc.integer({ min: 0, max: 3000 }), { maxLength: 5 }), async ({ rate, burst, calls }, skews) => {
        const ns = `p${++run}:`;
        const t0 = Date.UTC(2026, 0, 2, 8);
        const clock = manualClock(t0);
        const memory = new MemoryStateStore({ clock });
        try {
          const onMemory = new SharedRateLimiter(memory, rate, burst, clock, ns);
          const onRedis = new SharedRateLimiter(redis, rate, burst, clock, ns);
          const log: TakeLog = [];
          for (const [i, c] of calls.entries()) {
            clock.advance(c.dt);
            const a = await onMemory.take(c.source, c.cost);
            const b = await onRedis.take(c.source, c.cost);
            expect(b, `call ${i} ${JSON.stringify(c)} at +${clock.now() - t0} ms`).toEqual(a);
            log.push({ t: clock.now(), source: c.source, cost: c.cost, d: a });
          }
          checkWindows(rate, burst, log);
          // A process whose clock lags behind: both stores still agree and mint nothing.
          for (const s of skews) {
            const lag = manualClock(clock.now() - s);
            const a = await new SharedRateLimiter(memory, rate, burst, lag, ns).take('a');
            const b = await new SharedRateLimiter(redis, rate, burst, lag, ns).take('a');
            expect(b, `lagging ${s} ms`).toEqual(a);
          }
        } finally {
          await memory.close();
        }
      }),
      { numRuns: 80, seed: 20261124 },
    );
  });
});
