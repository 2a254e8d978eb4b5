import { OmnilaneError } from '../shared/errors.js';
import type { QueryParams } from '../shared/ports/warehouse.js';

/**
 * Named queries use ClickHouse's placeholder syntax `{name:Type}`. This module
 * is the one place where user values meet SQL: it checks each value against its
 * declared type and either escapes it into a literal (ClickHouse 18.16 has no
 * query parameters) or hands it to a prepared statement (DuckDB).
 */
export type ParamType = 'String' | 'Int64' | 'UInt64' | 'Float64' | 'Bool' | 'Array(String)' | 'Array(Int64)';

export interface Placeholder {
  name: string;
  type: ParamType;
  nullable: boolean;
}

const PLACEHOLDER = /\{([a-zA-Z_][a-zA-Z0-9_]*):(Nullable\()?(String|Int64|UInt64|Float64|Bool|Array\(String\)|Array\(Int64\))\)?\}/g;

/** Lists the placeholders of a query (each name once). Throws on conflicting types. */
export function parsePlaceholders(sql: string): Placeholder[] {
  const seen = new Map<string, Placeholder>();
  for (const m of sql.matchAll(PLACEHOLDER)) {
    const p: Placeholder = { name: m[1], type: m[3] as ParamType, nullable: Boolean(m[2]) };
    const prev = seen.get(p.name);
    if (prev && (prev.type !== p.type || prev.nullable !== p.nullable)) {
      throw new OmnilaneError('WH_ERR_BAD_PARAM', `parameter ${p.name} is declared with two types`);
    }
    seen.set(p.name, p);
  }
  return [...seen.values()];
}

type Scalar = string | number | boolean | null;

/** Checks and converts one value to its declared type; throws WH_ERR_BAD_PARAM. */
export function coerceParam(p: Placeholder, value: QueryParams[string]): Scalar | Array<string | number> {
  const bad = (why: string) => new OmnilaneError('WH_ERR_BAD_PARAM', `parameter ${p.name} (${p.nullable ? `Nullable(${p.type})` : p.type}): ${why}`);
  if (value === undefined || value === null) {
    if (p.nullable) return null;
    throw bad('is required');
  }
  switch (p.type) {
    case 'String':
      if (typeof value !== 'string') throw bad('must be a string');
      return value;
    case 'Int64':
    case 'UInt64': {
      const n = value instanceof Date ? value.getTime() : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw bad('must be an integer');
      if (p.type === 'UInt64' && n < 0) throw bad('must not be negative');
      return n;
    }
    case 'Float64': {
      const n = typeof value === 'string' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n)) throw bad('must be a finite number');
      return n;
    }
    case 'Bool':
      if (typeof value !== 'boolean') throw bad('must be true or false');
      return value;
    case 'Array(String)':
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw bad('must be an array of strings');
      return value;
    case 'Array(Int64)':
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'number' || !Number.isSafeInteger(v))) throw bad('must be an array of integers');
      return value;
  }
}

/**
 * Escapes a string into a single-quoted ClickHouse literal that reads back
 * byte for byte: backslash and quote are escaped, control characters become
 * \xHH. (DuckDB never sees inlined values: it gets prepared parameters.)
 */
export function quoteString(s: string): string {
  let out = "'";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}'`;
}

/** Renders a checked value as a ClickHouse literal. */
export function toClickHouseLiteral(v: Scalar | Array<string | number>): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return quoteString(v);
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(17);
  return `[${v.map((x) => (typeof x === 'string' ? quoteString(x) : String(x))).join(', ')}]`;
}

/** Replaces each placeholder with an escaped literal (ClickHouse without query parameters). */
export function inlineParams(sql: string, params: QueryParams): string {
  const literal = (p: Placeholder) => {
    const v = coerceParam(p, params[p.name]);
    // `[]` alone is Array(Nothing), which has() and IN reject: give an empty array its declared type.
    return Array.isArray(v) && v.length === 0 ? `CAST([] AS ${p.type})` : toClickHouseLiteral(v);
  };
  const values = new Map(parsePlaceholders(sql).map((p) => [p.name, literal(p)]));
  return sql.replace(PLACEHOLDER, (_m, name: string) => values.get(name)!);
}

/**
 * Rewrites placeholders to DuckDB's `$name` and returns the checked values to
 * bind. Nullable placeholders get an explicit cast so `IS NULL` tests type-check.
 */
export function toDuckDbPrepared(sql: string, params: QueryParams): { sql: string; values: Record<string, Scalar | Array<string | number>> } {
  const values: Record<string, Scalar | Array<string | number>> = {};
  const placeholders = new Map(parsePlaceholders(sql).map((p) => [p.name, p]));
  for (const p of placeholders.values()) values[p.name] = coerceParam(p, params[p.name]);
  const duckType: Record<ParamType, string> = {
    String: 'VARCHAR',
    Int64: 'BIGINT',
    UInt64: 'UBIGINT',
    Float64: 'DOUBLE',
    Bool: 'BOOLEAN',
    'Array(String)': 'VARCHAR[]',
    'Array(Int64)': 'BIGINT[]',
  };
  const text = sql.replace(PLACEHOLDER, (_m, name: string) => {
    const type = duckType[placeholders.get(name)!.type];
    // An empty list binds as ANY[], which DuckDB cannot type: write the typed empty list instead.
    const v = values[name];
    return Array.isArray(v) && v.length === 0 ? `CAST([] AS ${type})` : `CAST($${name} AS ${type})`;
  });
  for (const [name, v] of Object.entries(values)) if (Array.isArray(v) && v.length === 0) delete values[name];
  return { sql: text, values };
}
