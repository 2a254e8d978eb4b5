import type { Clock } from '../../shared/clock.js';

const MAX_SOURCES = 10_000;

/**
 * Per-source token buckets for webhook floods: `ratePerSecond` tokens refill
 * continuously up to `burst`. In memory and per process: several ingest
 * processes each allow the rate (good enough to shed a flood; a shared limit
 * would live in the StateStore). Oldest sources are forgotten past 10k.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly clock: Clock,
  ) {}

  /** Takes one token for `source`; when none is left, says how many whole seconds until one is. */
  take(source: string): { ok: true } | { ok: false; retryAfterS: number } {
    const now = this.clock.now();
    let b = this.buckets.get(source);
    if (!b) {
      if (this.buckets.size >= MAX_SOURCES) this.buckets.delete(this.buckets.keys().next().value as string);
      b = { tokens: this.burst, at: now };
      this.buckets.set(source, b);
    }
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.ratePerSecond);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterS: Math.max(1, Math.ceil((1 - b.tokens) / this.ratePerSecond)) };
  }
}
