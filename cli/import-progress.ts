import type { ImportProgress } from '../ingest/import/index.js';

const fmt = (n: number) => n.toLocaleString('en-US');

/** One progress line: bar (on a terminal), percent of bytes, lines, events/s, ETA. Pure. */
export function formatProgress(p: ImportProgress, elapsedMs: number, opts: { bar: boolean; startBytes?: number; startLines?: number }): string {
  const frac = p.totalBytes > 0 ? Math.min(1, p.bytes / p.totalBytes) : 1;
  const pct = Math.floor(frac * 100);
  const width = 24;
  const filled = Math.round(frac * width);
  const bar = opts.bar ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` : '';
  const lines = p.counts.lines - (opts.startLines ?? 0);
  const rate = elapsedMs > 0 ? Math.round((lines * 1000) / elapsedMs) : 0;
  const doneBytes = p.bytes - (opts.startBytes ?? 0);
  const left = p.totalBytes - p.bytes;
  const eta = doneBytes > 0 && left > 0 ? ` ETA ${Math.ceil(((left / doneBytes) * elapsedMs) / 1000)}s` : '';
  const rejected = p.counts.rejected ? `, ${fmt(p.counts.rejected)} rejected` : '';
  return `${bar}${String(pct).padStart(3)}% ${fmt(p.counts.lines)} lines (${fmt(p.counts.accepted)} accepted, ${fmt(p.counts.duplicates)} duplicates${rejected}) ${fmt(rate)} lines/s${eta}`;
}

export interface ProgressOptions {
  write: (s: string) => void;
  /** A terminal gets a bar redrawn in place; a pipe or file gets a plain line every `stepPercent`. */
  isTTY: boolean;
  stepPercent?: number;
  now?: () => number;
  quiet?: boolean;
}

/** Progress on stderr, so stdout keeps only the summary. */
export class ProgressReporter {
  private readonly started: number;
  private lastDraw = 0;
  private lastNote = -Infinity;
  private nextStep: number;
  private drawn = false;
  private base?: { bytes: number; lines: number };

  constructor(private readonly o: ProgressOptions) {
    this.started = this.now();
    this.nextStep = 0;
  }

  private now(): number {
    return this.o.now ? this.o.now() : Date.now();
  }

  update(p: ImportProgress): void {
    if (this.o.quiet) return;
    // Rates count this run only (a resumed import starts part-way).
    this.base ??= { bytes: p.bytes, lines: p.counts.lines };
    const line = () => formatProgress(p, this.now() - this.started, { bar: this.o.isTTY, startBytes: this.base!.bytes, startLines: this.base!.lines });
    if (this.o.isTTY) {
      const t = this.now();
      if (t - this.lastDraw < 100 && p.bytes < p.totalBytes) return;
      this.lastDraw = t;
      this.o.write(`\r\x1b[2K${line()}`);
      this.drawn = true;
      return;
    }
    const pct = p.totalBytes > 0 ? Math.floor((p.bytes / p.totalBytes) * 100) : 100;
    if (pct < this.nextStep) return;
    const step = this.o.stepPercent ?? 10;
    this.nextStep = (Math.floor(pct / step) + 1) * step;
    this.o.write(`import: ${line()}\n`);
  }

  /** A status line of its own (waiting for the worker, a retry). */
  note(text: string): void {
    if (this.o.quiet) return;
    // A log file gets a status line at most every 5 s; a terminal redraws at most 10 times a second.
    const t = this.now();
    if (t - this.lastNote < (this.o.isTTY ? 100 : 5000)) return;
    this.lastNote = t;
    this.o.write(this.o.isTTY ? `\r\x1b[2K${text}` : `import: ${text}\n`);
    this.drawn = this.o.isTTY;
  }

  end(): void {
    if (this.drawn && !this.o.quiet) this.o.write('\n');
    this.drawn = false;
  }
}
