import type { Clock } from '../../shared/clock.js';
import type { AtomicScript, StateStore } from '../../shared/ports/state-store.js';

/** The decision of one take from a token bucket. */
export interface BucketDecision {
  allowed: boolean;
  /** 0 when allowed; else ms until `cost` tokens are back (never reached when cost > burst). */
  retryAfterMs: number;
}

/**
 * Extra life of a bucket key past the time it takes to refill completely, so
 * a key only expires once its bucket would be full anyway (covers clock skew
 * between ingest processes and the Redis server, which expires by its own clock).
 */
export const BUCKET_TTL_MARGIN_MS = 60_000;

/**
 * A token bucket as one atomic step, shared by every process on the store.
 * keys: [bucket]. args: [nowMs (integer ≥ 0), ratePerSecond (a multiple of
 * 0.001, up to 1e9), burst and cost (integers 1 to 1e9)]. Tokens are counted in
 * micro-tokens so all arithmetic is on integers below 2^53 and Lua and JS agree
 * to the bit: rate·1000 micro-tokens come back per ms, up to burst·1e6. The
 * value is "<microTokens> <atMs>" with an expiry of the full
 * refill time plus a margin: a missing key is a full bucket, so expiry never
 * changes a decision. A clock behind the stored time refills nothing (skew
 * between processes never mints tokens). Only an allowed take writes.
 * Returns [allowed 1|0, retryAfterMs].
 */
export const tokenBucketScript: AtomicScript<BucketDecision> = {
  name: 'token_bucket',
  lua: `
local now = tonumber(ARGV[1])
local refill = math.floor(tonumber(ARGV[2]) * 1000 + 0.5)
local cap = tonumber(ARGV[3]) * 1000000
local need = tonumber(ARGV[4]) * 1000000
local full = math.ceil(cap / refill)
local tokens = cap
local at = now
local v = redis.call('GET', KEYS[1])
if v then
  local t, a = string.match(v, '^(%d+) (%d+)$')
  if t then
    tokens = tonumber(t)
    at = tonumber(a)
    local elapsed = now - at
    if elapsed > full then elapsed = full end
    if elapsed > 0 then tokens = math.min(cap, tokens + elapsed * refill) end
    if now > at then at = now end
  end
end
if tokens >= need then
  redis.call('SET', KEYS[1], string.format('%.0f %.0f', tokens - need, at), 'PX', string.format('%.0f', full + ${BUCKET_TTL_MARGIN_MS}))
  return {1, 0}
end
return {0, math.ceil((need - tokens) / refill)}`,
  local(tx, keys, args) {
    const [now, rate, burst, cost] = args.map(Number) as [number, number, number, number];
    const refill = Math.floor(rate * 1000 + 0.5);
    const cap = burst * 1_000_000;
    const need = cost * 1_000_000;
    const full = Math.ceil(cap / refill);
    let tokens = cap;
    let at = now;
    const m = /^(\d+) (\d+)$/.exec(tx.get(keys[0]) ?? '');
    if (m) {
      tokens = Number(m[1]);
      at = Number(m[2]);
      const elapsed = Math.min(now - at, full);
      if (elapsed > 0) tokens = Math.min(cap, tokens + elapsed * refill);
      if (now > at) at = now;
    }
    if (tokens >= need) {
      tx.setEphemeral(keys[0], `${tokens - need} ${at}`, full + BUCKET_TTL_MARGIN_MS);
      return { allowed: true, retryAfterMs: 0 };
    }
    return { allowed: false, retryAfterMs: Math.ceil((need - tokens) / refill) };
  },
  decode: (raw) => {
    const [allowed, retry] = (raw as Array<number | string>).map(Number) as [number, number];
    return { allowed: allowed === 1, retryAfterMs: retry };
  },
};

const MAX = 1_000_000_000;
const positiveInt = (name: string, n: number): number => {
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX) throw new RangeError(`${name} must be an integer from 1 to ${MAX}, got ${n}`);
  return n;
};
const rateArg = (n: number): string => {
  if (!Number.isFinite(n) || n < 0.001 || n > MAX) throw new RangeError(`ratePerSecond must be from 0.001 to ${MAX}, got ${n}`);
  return String(Math.round(n * 1000) / 1000);
};

/**
 * Per-source token buckets for webhook floods, shared across processes through
 * the StateStore: `ratePerSecond` tokens refill continuously up to `burst`, so
 * in any window of t seconds a source gets at most burst + rate·t requests
 * whatever the number of ingest processes. One atomic script per request (on
 * Redis one EVALSHA); the embedded store keeps buckets out of its journal.
 */
export class SharedRateLimiter {
  private readonly rate: string;
  private readonly burst: string;
  constructor(
    private readonly state: StateStore,
    ratePerSecond: number,
    burst: number,
    private readonly clock: Clock,
    private readonly keyPrefix = 'chan:ratelimit:',
  ) {
    this.rate = rateArg(ratePerSecond);
    this.burst = String(positiveInt('burst', burst));
  }

  /** Takes `cost` tokens (default 1) from the bucket of `source`. Store failures throw. */
  take(source: string, cost = 1): Promise<BucketDecision> {
    const now = Math.max(0, Math.floor(this.clock.now()));
    return this.state.atomic(tokenBucketScript, [this.keyPrefix + source], [String(now), this.rate, this.burst, String(positiveInt('cost', cost))]);
  }
}

/** Retry-After in whole seconds (at least 1) for a refused take. */
export function retryAfterSeconds(d: BucketDecision): number {
  return Math.max(1, Math.ceil(d.retryAfterMs / 1000));
}
