import { CsvReader } from './csv-reader.js';
import { PathAccumulator } from './encode.js';
import type { EncodedPaths } from './types.js';

export type PathCsvResult =
  | { ok: true; paths: EncodedPaths; rows: number }
  | { ok: false; code: 'ATTR_ERR_BAD_CSV'; line: number; message: string };

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

/**
 * Streaming parser of ChannelAttribution's path CSV: a header naming `path` and `total_conversions` (required),
 * `total_conversion_value` and `total_null` (optional, 0 when absent), in any order, other columns ignored; a
 * path is channel names separated by `separator` (default ">"), trimmed. Identical paths are merged while
 * reading. The first problem stops parsing and is reported with its line number; nothing throws.
 */
export function createPathCsvParser(opts: { separator?: string } = {}): PathCsvParser {
  const sep = opts.separator ?? '>';
  const acc = new PathAccumulator();
  const rawIndex = new Map<string, number>();
  let ids = new Int32Array(64);
  let header: { width: number; path: number; conv: number; value: number; nulls: number } | null = null;
  let error: { line: number; message: string } | null = null;
  let rows = 0;

  const fail = (line: number, message: string) => {
    if (!error) error = { line, message };
  };

  const num = (field: string, name: string, line: number): number => {
    const v = field.length === 0 ? NaN : Number(field);
    if (!Number.isFinite(v) || v < 0) {
      fail(line, `${name} must be a number >= 0, got "${field.slice(0, 40)}"`);
      return 0;
    }
    return v;
  };

  const onHeader = (fields: string[], line: number) => {
    const names = fields.map((f, k) => (k === 0 ? f.replace(/^\uFEFF/, '') : f).trim().toLowerCase());
    const find = (n: string) => names.indexOf(n);
    const h = {
      width: names.length,
      path: find(COLUMNS.path),
      conv: find(COLUMNS.conversions),
      value: find(COLUMNS.value),
      nulls: find(COLUMNS.nulls),
    };
    if (h.path < 0 || h.conv < 0) {
      fail(line, `header must name columns "${COLUMNS.path}" and "${COLUMNS.conversions}", got: ${names.join(',')}`);
      return;
    }
    header = h;
  };

  const onRow = (fields: string[], line: number) => {
    if (error) return;
    if (!header) return onHeader(fields, line);
    const h = header;
    if (fields.length !== h.width) return fail(line, `expected ${h.width} fields, got ${fields.length}`);
    const raw = fields[h.path];
    let idx = rawIndex.get(raw);
    if (idx === undefined) {
      const parts = raw.split(sep);
      if (ids.length < parts.length) ids = new Int32Array(parts.length * 2);
      for (let k = 0; k < parts.length; k++) {
        const name = parts[k].trim();
        if (name.length === 0) {
          return fail(line, raw.trim().length === 0 ? 'empty path' : `empty channel name in path "${raw.slice(0, 80)}"`);
        }
        ids[k] = acc.channelId(name);
      }
      idx = acc.pathIndex(ids, parts.length);
      rawIndex.set(raw, idx);
    }
    const c = num(fields[h.conv], COLUMNS.conversions, line);
    const v = h.value >= 0 ? num(fields[h.value], COLUMNS.value, line) : 0;
    const n = h.nulls >= 0 ? num(fields[h.nulls], COLUMNS.nulls, line) : 0;
    if (error) return;
    acc.addCounts(idx, c, v, n);
    rows++;
  };

  const reader = new CsvReader(onRow);
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
      if (!error && !header) fail(1, 'no header row');
      if (error) {
        const e = error as { line: number; message: string };
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
