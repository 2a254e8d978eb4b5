import type { Logger } from './logger.js';

/** The dependencies whose outages are reported separately. */
export type EngineName = 'bus' | 'state' | 'warehouse';

export interface OutageLogOptions {
  log: Logger;
  /** One line per engine per interval at most, ms. */
  intervalMs: number;
  /** Epoch ms; injected for tests. */
  now?: () => number;
  /** Counts every reported error (e.g. a Prometheus counter by engine). */
  onError?: (engine: EngineName) => void;
}

interface Window {
  startedAt: number;
  suppressed: number;
  lastMessage: string;
  timer?: NodeJS.Timeout;
}

/**
 * Rate-limited error log for engine outages: the first error of an engine is
 * logged at once, the following ones within `intervalMs` are only counted and
 * summed up in one line (`count`, last message) when the interval ends. An
 * outage of N seconds so writes about N / interval lines per engine, not one per
 * client retry. `recovered()` logs the end of an outage once.
 */
export class OutageLog {
  private readonly windows = new Map<EngineName, Window>();
  private readonly down = new Set<EngineName>();
  private readonly now: () => number;

  constructor(private readonly o: OutageLogOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Reports one failure of `engine`; `fields` are logged with the line that is written (never payloads). */
  error(engine: EngineName, err: unknown, msg: string, fields: Record<string, unknown> = {}): void {
    this.o.onError?.(engine);
    this.down.add(engine);
    const message = `${msg}: ${String((err as Error | null)?.message ?? err)
      .split('\n')[0]
      .slice(0, 300)}`;
    const w = this.windows.get(engine);
    if (w) {
      w.suppressed++;
      w.lastMessage = message;
      return;
    }
    this.o.log.error({ engine, err, ...fields }, message);
    const win: Window = { startedAt: this.now(), suppressed: 0, lastMessage: message };
    win.timer = setTimeout(() => this.flush(engine), this.o.intervalMs);
    win.timer.unref?.();
    this.windows.set(engine, win);
  }

  /** The engine answered again: closes its window (writing the count) and logs the recovery once. */
  recovered(engine: EngineName): void {
    if (!this.down.has(engine)) return;
    this.down.delete(engine);
    this.flush(engine);
    this.o.log.info({ engine }, `${engine} is answering again`);
  }

  private flush(engine: EngineName): void {
    const w = this.windows.get(engine);
    if (!w) return;
    clearTimeout(w.timer);
    this.windows.delete(engine);
    if (w.suppressed > 0) {
      const seconds = Math.round((this.now() - w.startedAt) / 100) / 10;
      this.o.log.error(
        { engine, count: w.suppressed, seconds, last: w.lastMessage },
        `${w.suppressed} more ${engine} errors in ${seconds} s (last: ${w.lastMessage})`,
      );
    }
  }

  /** Writes the open windows' counts now (shutdown). */
  close(): void {
    for (const e of [...this.windows.keys()]) this.flush(e);
  }
}

/**
 * Which engine an infrastructure error came from, by its catalogue code
 * (BUS_/ING_ERR_BUS_…, STATE_/ING_ERR_STATE_…, WH_…), else undefined.
 */
export function engineOf(err: unknown): EngineName | undefined {
  const code = String((err as { code?: string | number } | null)?.code ?? '');
  if (/^(BUS_ERR_|ING_ERR_BUS_)/.test(code)) return 'bus';
  if (/^(STATE_ERR_|ING_ERR_STATE_)/.test(code)) return 'state';
  if (/^WH_ERR_/.test(code)) return 'warehouse';
  return undefined;
}
