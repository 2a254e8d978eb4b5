import { closeSync, fsync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { promisify } from 'node:util';

const fsyncAsync = promisify(fsync);
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export type RewriteOutcome = { status: 'swapped'; bytes: number } | { status: 'aborted' } | { status: 'failed'; error: unknown };

export interface JournalRewriteOptions {
  /** Where the new journal is written before it replaces the old one. */
  tmpPath: string;
  /** The live state as journal lines, read lazily: one slice per event-loop turn. */
  snapshot: Iterator<string>;
  /** Roughly how many characters are written per event-loop turn. */
  sliceChars: number;
  /**
   * Called synchronously once the new file holds the snapshot and every line
   * captured since the rewrite began: close the old journal, rename the new
   * one over it, reopen. Nothing else runs in between, so no line is lost.
   */
  swap(tmpPath: string, bytes: number): void;
}

/**
 * A background rewrite of a journal to the live state, like Redis'
 * BGREWRITEAOF: the snapshot is written to a new file a slice per event-loop
 * turn while the store keeps appending to the old journal (so a crash at any
 * point leaves the old journal complete) and hands each new line to
 * `capture` as well; at the end the captured lines follow the snapshot into
 * the new file, which is fsynced and renamed over the old one.
 *
 * The snapshot is fuzzy (an entry is read at some moment after the rewrite
 * began, not all at one instant): that is correct because every journal op
 * records an absolute result per key or field (set, delete, merge fields, set
 * expiry), so replaying the captured lines over a later value of an entry ends
 * where the live state is.
 */
export class JournalRewrite {
  private tail: string[] = [];
  private tailChars = 0;
  private aborted = false;
  private written = 0;
  readonly done: Promise<RewriteOutcome>;

  constructor(private readonly o: JournalRewriteOptions) {
    this.done = this.run();
  }

  /** A line appended to the journal after the rewrite began. */
  capture(line: string): void {
    this.tail.push(line);
    this.tailChars += line.length + 1;
  }

  /** Stops at the next turn and deletes the new file; the old journal stays complete. Await `done`. */
  abort(): void {
    this.aborted = true;
  }

  private async run(): Promise<RewriteOutcome> {
    let fd: number | undefined;
    try {
      // The first slice waits a turn too: the write that triggered the rewrite returns at once.
      await nextTurn();
      if (this.aborted) return { status: 'aborted' };
      fd = openSync(this.o.tmpPath, 'w');
      for (let more = true; more;) {
        const parts: string[] = [];
        let chars = 0;
        while (chars < this.o.sliceChars) {
          const next = this.o.snapshot.next();
          if (next.done) {
            more = false;
            break;
          }
          parts.push(next.value);
          chars += next.value.length + 1;
        }
        this.write(fd, parts);
        await nextTurn();
        if (this.aborted) return this.cleanup(fd);
      }
      // Catch up with the lines captured meanwhile, a slice per turn, until what is left is small.
      while (this.tailChars > this.o.sliceChars) {
        this.write(fd, this.takeTail(this.o.sliceChars));
        await nextTurn();
        if (this.aborted) return this.cleanup(fd);
      }
      // Most bytes reach the disk off the event loop; the final fsync below then has little left to do.
      await fsyncAsync(fd);
      if (this.aborted) return this.cleanup(fd);
      this.write(fd, this.takeTail());
      fsyncSync(fd);
      closeSync(fd);
      fd = undefined;
      this.o.swap(this.o.tmpPath, this.written);
      return { status: 'swapped', bytes: this.written };
    } catch (error) {
      if (fd !== undefined) this.cleanup(fd);
      else rmSync(this.o.tmpPath, { force: true });
      return { status: 'failed', error };
    }
  }

  /** The oldest captured lines, about `maxChars` of them (all by default), in order. */
  private takeTail(maxChars = Infinity): string[] {
    let n = 0;
    let chars = 0;
    while (n < this.tail.length && chars < maxChars) chars += this.tail[n++].length + 1;
    const t = this.tail.splice(0, n);
    this.tailChars -= chars;
    return t;
  }

  private write(fd: number, lines: string[]): void {
    if (lines.length === 0) return;
    const buf = Buffer.from(lines.join('\n') + '\n');
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off);
    this.written += buf.length;
  }

  private cleanup(fd: number): RewriteOutcome {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    rmSync(this.o.tmpPath, { force: true });
    return { status: 'aborted' };
  }
}
