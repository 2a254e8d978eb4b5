import { closeSync, existsSync, fstatSync, ftruncateSync, openSync, readSync } from 'node:fs';

export interface ReplayResult {
  /** Bytes of complete lines (the file's size after a torn tail was cut). */
  bytes: number;
  /** Bytes of a torn last line that were cut off (0 when the file ended cleanly). */
  tornBytes: number;
  lines: number;
}

/**
 * Calls `onLine` for every complete line of a journal, reading it in chunks so
 * neither the file's size nor V8's string limit (~512 MiB) bounds the journal:
 * reading it whole as one string stopped a large journal from ever loading.
 * A torn last line (a crash in the middle of a write) is cut off the file so
 * later appends start clean. Synchronous: it runs once at start, before the
 * store answers anything; its cost is linear in the file (docs/operations.md).
 */
export function replayJournal(path: string, onLine: (line: string) => void, chunkBytes = 8 * 1024 * 1024): ReplayResult {
  if (!existsSync(path)) return { bytes: 0, tornBytes: 0, lines: 0 };
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.allocUnsafe(chunkBytes);
    // A line longer than a chunk is gathered here until its newline arrives.
    let carry: Buffer[] = [];
    let carryBytes = 0;
    let pos = 0;
    let lines = 0;
    let complete = 0;
    while (pos < size) {
      const n = readSync(fd, buf, 0, Math.min(chunkBytes, size - pos), pos);
      if (n <= 0) break;
      const last = buf.lastIndexOf(10, n - 1);
      if (last === -1) {
        // No line ends in this chunk: gather it (copied, buf is reused) until one does.
        carry.push(Buffer.from(buf.subarray(0, n)));
        carryBytes += n;
        pos += n;
        continue;
      }
      // One decode and split per chunk: per-line decoding cost as much as the parsing.
      const head = carryBytes ? Buffer.concat([...carry, buf.subarray(0, last)]) : buf.subarray(0, last);
      const text = head.toString('utf8');
      carry = [];
      carryBytes = 0;
      for (const line of text.split('\n')) {
        onLine(line);
        lines++;
      }
      complete = pos + last + 1;
      if (last + 1 < n) {
        carry.push(Buffer.from(buf.subarray(last + 1, n)));
        carryBytes += n - last - 1;
      }
      pos += n;
    }
    const tornBytes = size - complete;
    if (tornBytes > 0) ftruncateSync(fd, complete);
    return { bytes: complete, tornBytes, lines };
  } finally {
    closeSync(fd);
  }
}
