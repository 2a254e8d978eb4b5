import { CsvReader } from './csv-reader.js';
import { PathAccumulator } from './encode.js';
import type { EncodedPaths } from './types.js';

export type PathCsvResult = { ok: true; paths: EncodedPaths; rows: number } | { ok: false; code: 'ATTR_ERR_BAD_CSV'; line: number; message: string };

export interface PathCsvParser {
  push(chunk: string): void;
  end(): PathCsvResult;
}

const COLUMNS = {
  path: 'path',
  conversions: 'total_conversions',
  value: 'total_conversion_value',
  nulls: 'total_null',
} as const;

const POW10 = Array.from({ length: 23 }, (_, d) => Math.pow(10, d));

/**
 * Streaming parser of ChannelAttribution's path CSV: a header naming `path` and `total_conversions` (required),
 * `total_conversion_value` and `total_null` (optional, 0 when absent), in any order, other columns ignored; a
 * path is channel names separated by `separator` (one character, default ">"), trimmed. Identical paths are merged while
 * reading. The first problem stops parsing and is reported with its line number; nothing throws.
 * Lines without quotes are scanned in place: no split, no substring unless a channel name is new.
 */
export function createPathCsvParser(opts: { separator?: string } = {}): PathCsvParser {
  const sep = opts.separator ?? '>';
  if (sep.length !== 1) throw new RangeError('separator must be one character');
  const sepCode = sep.charCodeAt(0);
  const acc = new PathAccumulator();
  let ids = new Int32Array(64);
  let width = 0;
  let colPath = -1;
  let colConv = -1;
  let colValue = -1;
  let colNulls = -1;
  let haveHeader = false;
  let error: { line: number; message: string } | null = null;
  let rows = 0;
  let conv = 0;
  let value = 0;
  let nulls = 0;

  const fail = (line: number, message: string) => {
    if (!error) error = { line, message };
  };

  const onHeader = (fields: string[], line: number) => {
    const names = fields.map((f, k) => (k === 0 ? f.replace(/^\uFEFF/, '') : f).trim().toLowerCase());
    width = names.length;
    colPath = names.indexOf(COLUMNS.path);
    colConv = names.indexOf(COLUMNS.conversions);
    colValue = names.indexOf(COLUMNS.value);
    colNulls = names.indexOf(COLUMNS.nulls);
    if (colPath < 0 || colConv < 0) {
      fail(line, `header must name columns "${COLUMNS.path}" and "${COLUMNS.conversions}", got: ${names.join(',')}`);
    }
    haveHeader = true;
  };

  /**
   * Distinct path index of the path text buf[start, end), or −1 after reporting an error. One pass per
   * channel: leading blanks skipped, the hash is snapshotted after each non-blank char so trailing blanks drop.
   */
  const pathOf = (buf: string, start: number, end: number, line: number): number => {
    let k = 0;
    let a = start;
    for (;;) {
      while (a < end && buf.charCodeAt(a) <= 32) a++;
      let h = 0x811c9dc5 | 0;
      let hLast = h;
      let last = a;
      let b = a;
      for (; b < end; b++) {
        const ch = buf.charCodeAt(b);
        if (ch === sepCode) break;
        h = Math.imul(h ^ ch, 0x01000193);
        if (ch > 32) {
          hLast = h;
          last = b + 1;
        }
      }
      if (last === a) {
        const raw = buf.slice(start, end);
        fail(line, raw.trim().length === 0 ? 'empty path' : `empty channel name in path "${raw.slice(0, 80)}"`);
        return -1;
      }
      if (k === ids.length) {
        const grown = new Int32Array(ids.length * 2);
        grown.set(ids);
        ids = grown;
      }
      ids[k++] = acc.channelIdAt(buf, a, last, hLast);
      if (b >= end) break;
      a = b + 1;
    }
    return acc.pathIndex(ids, k);
  };

  const slowNumber = (field: string, name: string, line: number): number => {
    const v = field.trim().length === 0 ? NaN : Number(field);
    if (!Number.isFinite(v) || v < 0) {
      fail(line, `${name} must be a number >= 0, got "${field.slice(0, 40)}"`);
      return 0;
    }
    return v;
  };

  /** Parses a number field buf[start, end): plain decimals exactly like Number(), anything else via Number(). */
  const numberAt = (buf: string, start: number, end: number, name: string, line: number): number => {
    let m = 0;
    let d = 0;
    let digits = 0;
    let dot = false;
    for (let q = start; q < end; q++) {
      const ch = buf.charCodeAt(q);
      if (ch >= 48 && ch <= 57) {
        m = m * 10 + (ch - 48);
        digits++;
        if (dot) d++;
      } else if (ch === 46 && !dot) dot = true;
      else return slowNumber(buf.slice(start, end), name, line);
    }
    if (digits === 0 || m > 9007199254740992 || d > 22) return slowNumber(buf.slice(start, end), name, line);
    return d ? m / POW10[d] : m;
  };

  const finishRow = (idx: number) => {
    if (error || idx < 0) return;
    acc.addCounts(idx, conv, value, nulls);
    rows++;
  };

  const onPlainLine = (buf: string, start: number, end: number, line: number) => {
    if (error) return;
    if (!haveHeader) return onHeader(buf.slice(start, end).split(','), line);
    let idx = -1;
    conv = value = nulls = 0;
    let field = 0;
    let p = start;
    for (;;) {
      let q = buf.indexOf(',', p);
      if (q < 0 || q > end) q = end;
      if (field === colPath) idx = pathOf(buf, p, q, line);
      else if (field === colConv) conv = numberAt(buf, p, q, COLUMNS.conversions, line);
      else if (field === colValue) value = numberAt(buf, p, q, COLUMNS.value, line);
      else if (field === colNulls) nulls = numberAt(buf, p, q, COLUMNS.nulls, line);
      field++;
      if (error) return;
      if (q >= end) break;
      p = q + 1;
    }
    if (field !== width) return fail(line, `expected ${width} fields, got ${field}`);
    finishRow(idx);
  };

  const onRow = (fields: string[], line: number) => {
    if (error) return;
    if (!haveHeader) return onHeader(fields, line);
    if (fields.length !== width) return fail(line, `expected ${width} fields, got ${fields.length}`);
    const raw = fields[colPath];
    const idx = pathOf(raw, 0, raw.length, line);
    conv = numberAt(fields[colConv], 0, fields[colConv].length, COLUMNS.conversions, line);
    value = colValue >= 0 ? numberAt(fields[colValue], 0, fields[colValue].length, COLUMNS.value, line) : 0;
    nulls = colNulls >= 0 ? numberAt(fields[colNulls], 0, fields[colNulls].length, COLUMNS.nulls, line) : 0;
    finishRow(idx);
  };

  const reader = new CsvReader(onRow, onPlainLine);
  return {
    push(chunk) {
      if (!error) {
        const e = reader.push(chunk);
        if (e) fail(e.line, e.message);
      }
    },
    end() {
      if (!error) {
        const e = reader.end();
        if (e) fail(e.line, e.message);
      }
      if (!error && !haveHeader) fail(1, 'no header row');
      if (error) {
        const e = error;
        return { ok: false, code: 'ATTR_ERR_BAD_CSV', line: e.line, message: `line ${e.line}: ${e.message}` };
      }
      return { ok: true, paths: acc.finish(), rows };
    },
  };
}

/** Parses a whole CSV text at once. */
export function parsePathCsv(text: string, opts: { separator?: string } = {}): PathCsvResult {
  const p = createPathCsvParser(opts);
  p.push(text);
  return p.end();
}
