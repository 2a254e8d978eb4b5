import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../shared/clock.js';
import { MemoryStateStore } from '../../stream/state/memory-state-store.js';
import { checkWindows, limitArb, type TakeLog } from './rate-limit-checks.js';
import { BUCKET_TTL_MARGIN_MS, retryAfterSeconds, SharedRateLimiter } from './rate-limit.js';

const stores: MemoryStateStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});
const setup = (rate: number, burst: number, start = 1_767_340_800_000) => {
  const clock = manualClock(start);
  const state = new MemoryStateStore({ clock });
  stores.push(state);
  return { clock, state, limiter: new SharedRateLimiter(state, rate, burst, clock) };
};
const allowed = async (l: SharedRateLimiter, n: number, source = 's') => {
  let ok = 0;
  for (let i = 0; i < n; i++) if ((await l.take(source)).allowed) ok++;
  return ok;
};

describe('SharedRateLimiter (token bucket as an atomic StateStore script)', () => {
  it('allows a burst, then refuses with the exact wait, then refills at the rate', async () => {
    const { clock, limiter } = setup(2, 3);
    expect(await allowed(limiter, 3)).toBe(3);
    const refused = await limiter.take('s');
    expect(refused).toEqual({ allowed: false, retryAfterMs: 500 });
    expect(retryAfterSeconds(refused)).toBe(1);
    clock.advance(499);
    expect(await limiter.take('s')).toEqual({ allowed: false, retryAfterMs: 1 });
    clock.advance(1);
    expect(await limiter.take('s')).toEqual({ allowed: true, retryAfterMs: 0 });
    clock.advance(60_000);
    expect(await allowed(limiter, 10)).toBe(3);
    expect(await allowed(limiter, 5, 'other source')).toBe(3);
  });

  it('is one limit for every process sharing the store', async () => {
    const { clock, state, limiter } = setup(1, 4);
    const second = new SharedRateLimiter(state, 1, 4, clock);
    expect((await allowed(limiter, 2)) + (await allowed(second, 2))).toBe(4);
    expect((await second.take('s')).allowed).toBe(false);
    clock.advance(1000);
    expect(await allowed(limiter, 1)).toBe(1);
    expect(await allowed(second, 1)).toBe(0);
  });

  it('supports fractional rates, costs and refuses a cost above the burst forever', async () => {
    const { clock, limiter } = setup(0.5, 2);
    expect(await limiter.take('s', 2)).toEqual({ allowed: true, retryAfterMs: 0 });
    expect(await limiter.take('s')).toEqual({ allowed: false, retryAfterMs: 2000 });
    clock.advance(10_000);
    expect((await limiter.take('s', 3)).allowed).toBe(false);
    expect(retryAfterSeconds({ allowed: false, retryAfterMs: 2001 })).toBe(3);
  });

  it('mints nothing when a process clock is behind the stored time', async () => {
    const { clock, state, limiter } = setup(1, 2);
    expect(await allowed(limiter, 2)).toBe(2);
    const behind = manualClock(clock.now() - 30_000);
    const lagging = new SharedRateLimiter(state, 1, 2, behind);
    expect(await lagging.take('s')).toEqual({ allowed: false, retryAfterMs: 1000 });
    behind.advance(29_000);
    expect((await lagging.take('s')).allowed).toBe(false);
    clock.advance(1000);
    expect(await allowed(limiter, 5)).toBe(1);
  });

  it('keeps a bucket only until it would be full again (plus a margin)', async () => {
    const { state, limiter } = setup(10, 50);
    await limiter.take('s');
    expect(await state.pttl('chan:ratelimit:s')).toBe(5000 + BUCKET_TTL_MARGIN_MS);
    expect(await state.get('chan:ratelimit:s')).toBe(`49000000 ${1_767_340_800_000}`);
  });

  it('refuses settings the integer arithmetic cannot hold', () => {
    const { state, clock } = setup(1, 1);
    expect(() => new SharedRateLimiter(state, 0, 1, clock)).toThrow(/ratePerSecond/);
    expect(() => new SharedRateLimiter(state, 1, 0.5, clock)).toThrow(/burst/);
    expect(() => new SharedRateLimiter(state, 1, 2e9, clock)).toThrow(/burst/);
  });
});

describe('SharedRateLimiter property (embedded store)', () => {
  it('never allows more than burst + rate × elapsed in any window, and a refused take succeeds exactly after retryAfterMs', async () => {
    await fc.assert(
      fc.asyncProperty(limitArb, async ({ rate, burst, calls }) => {
        const { clock, limiter, state } = setup(rate, burst);
        try {
          const log: TakeLog = [];
          for (const c of calls) {
            clock.advance(c.dt);
            log.push({ t: clock.now(), source: c.source, cost: c.cost, d: await limiter.take(c.source, c.cost) });
          }
          checkWindows(rate, burst, log);
          const last = log.at(-1)!;
          if (!last.d.allowed && last.cost <= burst) {
            // Probe on a copy of the moment: just before the wait refuses, at the wait allows.
            clock.advance(last.d.retryAfterMs - 1);
            if (last.d.retryAfterMs > 0) expect((await limiter.take(last.source, last.cost)).allowed).toBe(false);
            clock.advance(1);
            expect((await limiter.take(last.source, last.cost)).allowed).toBe(true);
          }
        } finally {
          await state.close();
        }
      }),
      { numRuns: 200, seed: 20261124 },
    );
  });
});
