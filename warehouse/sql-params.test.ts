import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coerceParam, inlineParams, parsePlaceholders, quoteString, toDuckDbPrepared } from './sql-params.js';

/** Reads a literal produced by quoteString back, as ClickHouse and DuckDB (with E-strings) would. */
function unquote(lit: string): string {
  expect(lit.startsWith("'") && lit.endsWith("'")).toBe(true);
  const body = lit.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === "'") throw new Error('unescaped quote inside literal');
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[++i];
    if (n === 'x') {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else out += n;
  }
  return out;
}

describe('quoteString', () => {
  it('round-trips hostile strings and never leaves a bare quote', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom("'; DROP TABLE events; --", "\\'", '\u0000', '{x:String}', '\n\r\t')),
        (s) => {
          expect(unquote(quoteString(s))).toBe(s);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('placeholders', () => {
  const sql = 'SELECT 1 WHERE a = {a:String} AND b >= {b:Int64} AND ({c:Nullable(String)} IS NULL OR c = {c:Nullable(String)})';
  it('lists each placeholder once with its type', () => {
    expect(parsePlaceholders(sql)).toEqual([
      { name: 'a', type: 'String', nullable: false },
      { name: 'b', type: 'Int64', nullable: false },
      { name: 'c', type: 'String', nullable: true },
    ]);
  });
  it('inlines escaped literals for ClickHouse', () => {
    expect(inlineParams(sql, { a: "it's", b: 5, c: null })).toBe("SELECT 1 WHERE a = 'it\\'s' AND b >= 5 AND (NULL IS NULL OR c = NULL)");
  });
  it('does not let a value smuggle in another placeholder', () => {
    expect(inlineParams('SELECT {a:String}, {b:String}', { a: '{b:String}', b: 'x' })).toBe("SELECT '{b:String}', 'x'");
  });
  it('rewrites to typed DuckDB parameters', () => {
    const r = toDuckDbPrepared(sql, { a: 'x', b: '7', c: undefined });
    expect(r.sql).toContain('CAST($a AS VARCHAR)');
    expect(r.values).toEqual({ a: 'x', b: 7, c: null });
  });
  it('refuses values of the wrong type with WH_ERR_BAD_PARAM', () => {
    expect(() => coerceParam({ name: 'b', type: 'Int64', nullable: false }, '7; drop')).toThrow(/must be an integer/);
    expect(() => coerceParam({ name: 'b', type: 'Int64', nullable: false }, undefined)).toThrow(/required/);
    expect(() => coerceParam({ name: 'u', type: 'UInt64', nullable: false }, -1)).toThrow(/negative/);
    expect(() => parsePlaceholders('{a:String} {a:Int64}')).toThrow(/two types/);
  });
});
