import { open } from 'node:fs/promises';

/** One physical line of a file: text without its line end, 1-based number, byte offset just past its newline. */
export interface FileLine {
  text: string;
  line: number;
  end: number;
}

const CHUNK = 1 << 20;

/**
 * Reads a file's lines from byte `start` (which must be a line start), numbering them from `firstLine`.
 * Works on bytes, not characters, so `end` is an exact offset a resumed import can seek to. A CR before
 * the LF is dropped; a last line without a newline ends at the file's size.
 */
export async function* readLines(path: string, start = 0, firstLine = 1): AsyncGenerator<FileLine> {
  const fh = await open(path, 'r');
  try {
    let pos = start;
    let line = firstLine;
    let carry: Buffer = Buffer.alloc(0);
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, pos);
      if (bytesRead === 0) break;
      const data = carry.length ? Buffer.concat([carry, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead);
      // Offset in the file of data[0].
      const base = pos - carry.length;
      pos += bytesRead;
      let from = 0;
      for (let nl = data.indexOf(10, from); nl !== -1; nl = data.indexOf(10, from)) {
        const to = nl > from && data[nl - 1] === 13 ? nl - 1 : nl;
        yield { text: data.toString('utf8', from, to), line: line++, end: base + nl + 1 };
        from = nl + 1;
      }
      // Copy: `buf` is reused by the next read.
      carry = Buffer.from(data.subarray(from));
    }
    if (carry.length > 0) {
      const to = carry[carry.length - 1] === 13 ? carry.length - 1 : carry.length;
      yield { text: carry.toString('utf8', 0, to), line, end: pos };
    }
  } finally {
    await fh.close();
  }
}
