import { closeSync, existsSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import type { RejectedLine } from './types.js';

/**
 * The rejected-lines report: one JSON object per line, `{"line","code","reason"}`, in file order. Opened at
 * the size the checkpoint recorded, so lines of a batch that was re-sent after a crash appear once.
 * No event content is copied into it (it may hold personal data); the line number points into the input.
 */
export class RejectReport {
  private readonly fd: number;
  bytes: number;

  constructor(
    readonly path: string,
    keepBytes: number,
  ) {
    this.fd = openSync(path, existsSync(path) ? 'r+' : 'w');
    ftruncateSync(this.fd, keepBytes);
    this.bytes = keepBytes;
  }

  append(lines: RejectedLine[]): void {
    if (lines.length === 0) return;
    const text = lines.map((l) => JSON.stringify({ line: l.line, code: l.code, reason: l.reason })).join('\n') + '\n';
    const buf = Buffer.from(text);
    writeSync(this.fd, buf, 0, buf.length, this.bytes);
    this.bytes += buf.length;
  }

  close(): void {
    closeSync(this.fd);
  }
}
