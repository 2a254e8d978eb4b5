import type { EventEmitter } from 'node:events';
import { OmnilaneError } from '../../shared/errors.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { BoardService } from './board-service.js';

/** A live client gets each snapshot already serialized: one JSON.stringify per window per push, not per client. */
type Listener = (json: string) => void;

export interface LiveHubOptions {
  /** Fastest push after new data, ms (default 500). */
  minIntervalMs?: number;
  /** Slowest push without new data, so the window slides, ms (default 5000). */
  maxIntervalMs?: number;
  /** Open streams one API key may hold (LIVE_MAX_CONNECTIONS_PER_KEY, default 20). */
  maxPerKey?: number;
  /** The runtime's clock (the system clock by default). */
  clock?: Clock;
}

/**
 * Pushes board snapshots to live clients: at most once per `minIntervalMs`
 * after new data lands (the stream worker's 'batch' event), and at least every
 * `maxIntervalMs` so the window slides. 500 ms because the board must show an
 * event within 2 s and a snapshot under load takes a few hundred ms itself.
 * One query and one serialization per window size per push, however many clients
 * watch; the first snapshot a new client gets is shared the same way (in flight or
 * younger than `minIntervalMs`). Streams are capped per key, so one key cannot
 * make every client wait behind hundreds of windows or grow memory without bound.
 */
export class LiveHub {
  private readonly listeners = new Map<number, Set<Listener>>();
  private readonly perKey = new Map<string, number>();
  private readonly latest = new Map<number, { at: number; json: Promise<string> }>();
  private dirty = false;
  private timer?: NodeJS.Timeout;
  private lastPush = 0;
  private pushing = false;
  private readonly minIntervalMs: number;
  private readonly maxIntervalMs: number;
  readonly maxPerKey: number;
  private readonly clock: Clock;

  constructor(
    private readonly board: BoardService,
    private readonly source: EventEmitter,
    private readonly log: Logger,
    opts: LiveHubOptions = {},
  ) {
    this.minIntervalMs = opts.minIntervalMs ?? 500;
    this.maxIntervalMs = opts.maxIntervalMs ?? 5000;
    this.maxPerKey = opts.maxPerKey ?? 20;
    this.clock = opts.clock ?? systemClock;
    this.source.on('batch', () => {
      this.dirty = true;
    });
    this.timer = setInterval(() => void this.tick(), 250);
    this.timer.unref();
  }

  /**
   * Takes one of `key`'s live slots; throws 429 API_ERR_TOO_MANY_LIVE when it holds them all.
   * Returns the function that gives the slot back (idempotent).
   */
  admit(key: string): () => void {
    const n = this.perKey.get(key) ?? 0;
    if (n >= this.maxPerKey) {
      throw new OmnilaneError(
        'API_ERR_TOO_MANY_LIVE',
        `this key already holds ${n} live streams (LIVE_MAX_CONNECTIONS_PER_KEY=${this.maxPerKey}); close one first`,
      );
    }
    this.perKey.set(key, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.perKey.get(key) ?? 1) - 1;
      if (left <= 0) this.perKey.delete(key);
      else this.perKey.set(key, left);
    };
  }

  /** Registers a listener for a window size; returns the function that removes it. */
  subscribe(minutes: number, fn: Listener): () => void {
    let set = this.listeners.get(minutes);
    if (!set) this.listeners.set(minutes, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0) {
        this.listeners.delete(minutes);
        this.latest.delete(minutes);
      }
    };
  }

  /**
   * The window's snapshot as JSON, shared with every caller within `minIntervalMs` (and while in
   * flight); `fresh` (the push) always computes a new one.
   */
  current(minutes: number, fresh = false): Promise<string> {
    const now = this.clock.now();
    const hit = this.latest.get(minutes);
    if (hit && !fresh && now - hit.at < this.minIntervalMs) return hit.json;
    const json = this.board.snapshot(minutes).then((s) => JSON.stringify(s));
    const entry = { at: now, json };
    this.latest.set(minutes, entry);
    // A failed snapshot must not be served from the cache to the next caller.
    json.catch(() => {
      if (this.latest.get(minutes) === entry) this.latest.delete(minutes);
    });
    return json;
  }

  get clients(): number {
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }

  private async tick(): Promise<void> {
    const now = this.clock.now();
    if (this.pushing || this.listeners.size === 0) return;
    const due = (this.dirty && now - this.lastPush >= this.minIntervalMs) || now - this.lastPush >= this.maxIntervalMs;
    if (!due) return;
    this.pushing = true;
    this.dirty = false;
    this.lastPush = now;
    try {
      for (const [minutes, set] of this.listeners) {
        let json: string;
        try {
          json = await this.current(minutes, true);
        } catch (err) {
          this.log.error({ err, minutes }, 'live board push failed');
          continue;
        }
        for (const fn of set) fn(json);
      }
    } finally {
      this.pushing = false;
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.listeners.clear();
    this.latest.clear();
  }
}
