import type { EventEmitter } from 'node:events';
import type { Logger } from '../../shared/logger.js';
import type { BoardService, BoardSnapshot } from './board-service.js';

type Listener = (snapshot: BoardSnapshot) => void;

/**
 * Pushes board snapshots to live clients: at most once per `minIntervalMs`
 * after new data lands (the stream worker's 'batch' event), and at least every
 * `maxIntervalMs` so the window slides. 500 ms because the board must show an
 * event within 2 s and a snapshot under load takes a few hundred ms itself. One query per window size per push,
 * however many clients watch.
 */
export class LiveHub {
  private readonly listeners = new Map<number, Set<Listener>>();
  private dirty = false;
  private timer?: NodeJS.Timeout;
  private lastPush = 0;
  private pushing = false;

  constructor(
    private readonly board: BoardService,
    private readonly source: EventEmitter,
    private readonly log: Logger,
    private readonly minIntervalMs = 500,
    private readonly maxIntervalMs = 5000,
  ) {
    this.source.on('batch', () => {
      this.dirty = true;
    });
    this.timer = setInterval(() => void this.tick(), 250);
    this.timer.unref();
  }

  /** Registers a listener for a window size; returns the function that removes it. */
  subscribe(minutes: number, fn: Listener): () => void {
    let set = this.listeners.get(minutes);
    if (!set) this.listeners.set(minutes, (set = new Set()));
    set.add(fn);
    return () => {
      set!.delete(fn);
      if (set!.size === 0) this.listeners.delete(minutes);
    };
  }

  get clients(): number {
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }

  private async tick(): Promise<void> {
    const now = Date.now();
    if (this.pushing || this.listeners.size === 0) return;
    const due = (this.dirty && now - this.lastPush >= this.minIntervalMs) || now - this.lastPush >= this.maxIntervalMs;
    if (!due) return;
    this.pushing = true;
    this.dirty = false;
    this.lastPush = now;
    try {
      for (const [minutes, set] of this.listeners) {
        const snap = await this.board.snapshot(minutes);
        for (const fn of set) fn(snap);
      }
    } catch (err) {
      this.log.error({ err }, 'live board push failed');
    } finally {
      this.pushing = false;
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.listeners.clear();
  }
}
