/**
 * Streaming CSV reader (RFC 4180: comma separated, fields optionally in double quotes with "" as an escaped
 * quote, quoted fields may hold commas and newlines; LF or CRLF line ends). Push text chunks of any size; rows
 * come out through the callback with the physical line number where each record starts. Lines without a quote
 * take a fast path (native split). Completely empty lines are skipped.
 */
export interface CsvSyntaxError {
  line: number;
  message: string;
}

type Emit = (fields: string[], line: number) => void;
/** Optional fast path: a line without any quote, as buf[start, end) (line end and CR excluded). */
export type PlainLine = (buf: string, start: number, end: number, line: number) => void;

const MORE = 1;

export class CsvReader {
  private buf = '';
  private line = 1;
  private failed: CsvSyntaxError | null = null;

  constructor(
    private readonly onRow: Emit,
    private readonly onPlainLine?: PlainLine,
  ) {}

  /** Feeds a chunk; returns the first syntax error, if any (later input is then ignored). */
  push(chunk: string): CsvSyntaxError | null {
    if (this.failed) return this.failed;
    this.buf = this.buf.length ? this.buf + chunk : chunk;
    return this.drain(false);
  }

  /** Flushes the last record (which may lack a newline). */
  end(): CsvSyntaxError | null {
    if (this.failed) return this.failed;
    return this.drain(true);
  }

  private drain(final: boolean): CsvSyntaxError | null {
    const buf = this.buf;
    const len = buf.length;
    let pos = 0;
    let q = buf.indexOf('"');
    while (pos < len) {
      if (q !== -1 && q < pos) q = buf.indexOf('"', pos);
      let nl = buf.indexOf('\n', pos);
      if (q === -1 || (nl !== -1 && q > nl)) {
        if (nl === -1) {
          if (!final) break;
          nl = len;
        }
        let end = nl;
        if (end > pos && buf.charCodeAt(end - 1) === 13) end--;
        if (end > pos) {
          if (this.onPlainLine) this.onPlainLine(buf, pos, end, this.line);
          else this.onRow(buf.slice(pos, end).split(','), this.line);
        }
        this.line++;
        pos = nl + 1;
      } else {
        const r = parseRecord(buf, pos, final);
        if (r === MORE) break;
        if ('message' in r) {
          this.failed = { line: this.line + r.newlines, message: r.message };
          this.buf = '';
          return this.failed;
        }
        this.onRow(r.fields, this.line);
        this.line += r.newlines;
        pos = r.next;
      }
    }
    this.buf = pos >= len ? '' : buf.slice(pos);
    return null;
  }
}

type RecordResult = { fields: string[]; next: number; newlines: number } | { message: string; newlines: number };

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf('\n', from); i !== -1 && i < to; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** Full state machine for one record starting at `pos`; MORE when the record may continue in the next chunk. */
function parseRecord(buf: string, pos: number, final: boolean): RecordResult | typeof MORE {
  const fields: string[] = [];
  const len = buf.length;
  let i = pos;
  let newlines = 0;
  for (;;) {
    if (buf.charCodeAt(i) === 34) {
      let value = '';
      let seg = ++i;
      const fieldStart = i;
      for (;;) {
        const j = buf.indexOf('"', i);
        if (j === -1) {
          if (!final) return MORE;
          return { message: 'unterminated quoted field', newlines: 0 };
        }
        if (j + 1 === len && !final) return MORE;
        if (buf.charCodeAt(j + 1) === 34) {
          value += buf.slice(seg, j + 1);
          i = seg = j + 2;
          continue;
        }
        value += buf.slice(seg, j);
        newlines += countNewlines(buf, fieldStart, j);
        i = j + 1;
        break;
      }
      fields.push(value);
      const c = buf.charCodeAt(i);
      if (c === 44) {
        i++;
        continue;
      }
      if (c === 13 && buf.charCodeAt(i + 1) === 10) return { fields, next: i + 2, newlines: newlines + 1 };
      if (c === 10) return { fields, next: i + 1, newlines: newlines + 1 };
      if (i >= len) return final ? { fields, next: len, newlines } : MORE;
      if (c === 13 && i + 1 >= len && !final) return MORE;
      return { message: 'unexpected character after a closing quote', newlines };
    }
    const comma = buf.indexOf(',', i);
    const nl = buf.indexOf('\n', i);
    if (nl === -1 && !final) return MORE;
    if (comma !== -1 && (nl === -1 || comma < nl)) {
      fields.push(buf.slice(i, comma));
      i = comma + 1;
      continue;
    }
    const end = nl === -1 ? len : nl;
    fields.push(buf.slice(i, end > i && buf.charCodeAt(end - 1) === 13 ? end - 1 : end));
    return { fields, next: end + 1, newlines: newlines + 1 };
  }
}
