export interface BackoffOptions {
  /** Delay before the first retry, ms. */
  baseMs: number;
  /** Upper bound on any delay, ms. */
  maxMs: number;
}

export const defaultBackoff: BackoffOptions = { baseMs: 1000, maxMs: 30_000 };

/**
 * Delay before retry number `attempt` (1-based): exponential from `baseMs`, capped at `maxMs`, with "equal
 * jitter" (between half and all of the step) so many open dashboards do not reconnect in lockstep.
 * `random` is injected (returns [0, 1)) to keep this pure.
 */
export function backoffDelay(attempt: number, random: () => number, opts: BackoffOptions = defaultBackoff): number {
  const n = Math.max(1, Math.floor(attempt));
  const step = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(n - 1, 30));
  return Math.round(step / 2 + (step / 2) * random());
}
