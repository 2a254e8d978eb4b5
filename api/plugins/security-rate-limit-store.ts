import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { SharedRateLimiter } from '../../ingest/channels/rate-limit.js';
import type { Clock } from '../../shared/clock.js';
import type { StateStore } from '../../shared/ports/state-store.js';

/**
 * A store for @fastify/rate-limit over the StateStore, so every API process of a deployment counts against
 * the same limit (Redis in distributed mode, the in-process store embedded). It reuses the channel
 * webhooks' token bucket (one atomic script per request): `max` requests per `timeWindow` become a bucket of
 * `max` tokens refilling at max/timeWindow, so a client gets at most max + rate·t requests in any t.
 * The plugin refuses when `current > max`: an allowed take reports 1, a refused one max + 1, and the ttl is
 * the time until a token is back.
 */
export function sharedRateLimitStore(state: StateStore, clock: Clock, keyPrefix = 'api:ratelimit:'): FastifyRateLimitStoreCtor {
  const limiters = new Map<string, SharedRateLimiter>();
  const limiter = (max: number, windowMs: number) => {
    const id = `${max}/${windowMs}`;
    let l = limiters.get(id);
    if (!l) limiters.set(id, (l = new SharedRateLimiter(state, Math.max(0.001, (max * 1000) / windowMs), max, clock, `${keyPrefix}${id}:`)));
    return l;
  };
  class SharedStore implements FastifyRateLimitStore {
    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number, max: number): void {
      limiter(max, timeWindow)
        .take(key)
        .then(
          (d) => callback(null, { current: d.allowed ? 1 : max + 1, ttl: d.allowed ? timeWindow : Math.max(1, d.retryAfterMs) }),
          (err: Error) => callback(err),
        );
    }
    child(): FastifyRateLimitStore {
      return this;
    }
  }
  return SharedStore;
}
