import { closeSync, existsSync, fstatSync, fsyncSync, openSync, readFileSync, renameSync, ftruncateSync, writeSync, writeFileSync } from 'node:fs';

/**
 * An append-only file of newline-terminated lines with group commit: lines
 * appended in the same tick are written with one write call, and their
 * promises resolve once the bytes are in the file (so they survive a crash of
 * the process; `fsync: true` also survives a crash of the machine).
 */
export class JournalFile {
  private fd: number;
  private pending: string[] = [];
  private waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  private scheduled = false;
  private closed = false;
  size: number;

  constructor(
    readonly path: string,
    private readonly fsync = false,
  ) {
    this.fd = openSync(path, 'a+');
    this.size = fstatSync(this.fd).size;
  }

  /**
   * Reads the complete lines of a journal. A torn last line (a crash in the
   * middle of a write) is cut off the file so later appends start clean.
   */
  static readLines(path: string): string[] {
    if (!existsSync(path)) return [];
    const text = readFileSync(path, 'utf8');
    const end = text.lastIndexOf('\n');
    if (end < text.length - 1) {
      const fd = openSync(path, 'r+');
      ftruncateSync(fd, Buffer.byteLength(text.slice(0, end + 1)));
      closeSync(fd);
    }
    if (end < 0) return [];
    return text.slice(0, end).split('\n');
  }

  /** Queues lines (without their newline); resolves when they are written. */
  append(lines: string[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`journal ${this.path} is closed`));
    for (const l of lines) this.pending.push(l);
    const p = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return p;
  }

  /** Writes everything queued now. */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const waiters = this.waiters;
    const text = this.pending.join('\n') + '\n';
    this.pending = [];
    this.waiters = [];
    try {
      const buf = Buffer.from(text);
      let off = 0;
      while (off < buf.length) off += writeSync(this.fd, buf, off);
      if (this.fsync) fsyncSync(this.fd);
      this.size += buf.length;
      for (const w of waiters) w.resolve();
    } catch (err) {
      for (const w of waiters) w.reject(err);
    }
  }

  /** Replaces the file's content atomically (write a temp file, rename). */
  rewrite(lines: string[]): void {
    this.flush();
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, lines.length ? lines.join('\n') + '\n' : '');
    const fd = openSync(tmp, 'r');
    fsyncSync(fd);
    closeSync(fd);
    closeSync(this.fd);
    renameSync(tmp, this.path);
    this.fd = openSync(this.path, 'a+');
    this.size = fstatSync(this.fd).size;
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    closeSync(this.fd);
  }
}
