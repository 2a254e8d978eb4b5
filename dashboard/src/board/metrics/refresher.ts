/** Timer functions, injectable so tests can drive time. */
export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const browserTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface Refresher {
  /** A live push arrived: reload, at most once per interval (leading edge, then one trailing run). */
  poke(): void;
  /** The query changed: cancel what is in flight and reload now. */
  force(): void;
  stop(): void;
}

/**
 * Throttles chart reloads: live snapshots can arrive several times a second under load, and each metric
 * query is a warehouse round trip. The first poke loads at once; pokes within `minIntervalMs` of the last
 * start collapse into one trailing load; a load never overlaps another (the latest wins, older are aborted).
 */
export function createRefresher(load: (signal: AbortSignal) => Promise<void>, minIntervalMs: number, timers: Timers = browserTimers): Refresher {
  let lastStart = -Infinity;
  let timer: unknown = null;
  let inFlight: AbortController | null = null;
  let pending = false;
  let stopped = false;

  const run = () => {
    timer = null;
    if (stopped) return;
    if (inFlight) {
      pending = true;
      return;
    }
    pending = false;
    lastStart = timers.now();
    const ctl = (inFlight = new AbortController());
    void load(ctl.signal)
      .catch(() => undefined)
      .finally(() => {
        if (inFlight === ctl) inFlight = null;
        if (pending && !stopped) schedule();
      });
  };

  function schedule(): void {
    if (timer !== null) return;
    const wait = Math.max(0, lastStart + minIntervalMs - timers.now());
    if (wait === 0) run();
    else timer = timers.setTimeout(run, wait);
  }

  return {
    poke() {
      if (stopped) return;
      if (inFlight) pending = true;
      else schedule();
    },
    force() {
      if (stopped) return;
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
      inFlight?.abort();
      inFlight = null;
      run();
    },
    stop() {
      stopped = true;
      if (timer !== null) timers.clearTimeout(timer);
      inFlight?.abort();
    },
  };
}
