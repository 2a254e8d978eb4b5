import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CsvReader } from './csv-reader.js';
import { decodePaths } from './encode.js';
import { createPathCsvParser, parsePathCsv } from './path-csv.js';
import { readPathCsvFile } from './path-csv-file.js';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;

function readAll(text: string, cuts: number[] = []) {
  const rows: Array<[string[], number]> = [];
  const r = new CsvReader((f, line) => rows.push([f, line]));
  let prev = 0;
  let err = null;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    err = err ?? r.push(text.slice(prev, c));
    prev = c;
  }
  err = err ?? r.push(text.slice(prev));
  err = err ?? r.end();
  return { rows, err };
}

describe('CsvReader', () => {
  it('handles quotes, escaped quotes, commas and newlines in quotes, CRLF, blank lines, no final newline', () => {
    const text = 'a,b\r\n"x, y","say ""hi"""\n\n"multi\nline",2\nlast,1';
    const { rows, err } = readAll(text);
    expect(err).toBeNull();
    expect(rows).toEqual([
      [['a', 'b'], 1],
      [['x, y', 'say "hi"'], 2],
      [['multi\nline', '2'], 4],
      [['last', '1'], 6],
    ]);
  });

  it('property: any chunking gives the same rows', () => {
    const text = 'h1,h2,h3\n"q,1",2,"a""b"\r\nplain,"x\ny",3\n,,\n"end"';
    const whole = readAll(text);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: text.length }), { maxLength: 8 }), (cuts) => {
        expect(readAll(text, cuts)).toEqual(whole);
      }),
      { numRuns: 300, seed: 1 },
    );
  });

  it('reports an unterminated quote and junk after a closing quote with the line', () => {
    expect(readAll('a\n"open,1\n').err).toEqual({ line: 2, message: 'unterminated quoted field' });
    expect(readAll('a,b\n1,2\n"x"y,2\n').err).toMatchObject({ line: 3 });
  });
});

describe('path CSV', () => {
  it('reads any column order, ignores extra columns, merges identical paths', async () => {
    const res = await readPathCsvFile(fixture('known-answer.csv'));
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.rows).toBe(3);
    expect(decodePaths(res.paths)).toEqual([
      { path: ['A', 'B', 'A', 'B', 'B', 'A'], conversions: 1, value: 10, nulls: 0 },
      { path: ['A', 'B', 'B', 'A', 'A'], conversions: 1, value: 20, nulls: 0 },
      { path: ['A', 'A'], conversions: 1, value: 30, nulls: 0 },
    ]);
    const merged = parsePathCsv('path,total_conversions\na > b,1\na>b,2\n a >b ,3\n');
    expect(merged.ok && decodePaths(merged.paths)).toEqual([{ path: ['a', 'b'], conversions: 6, value: 0, nulls: 0 }]);
  });

  it('keeps quoted commas and quotes inside channel names', () => {
    const res = parsePathCsv(readFileSync(fixture('sales-paths.csv'), 'utf8'));
    expect(res.ok && res.paths.channels).toContain('"promo, spring"');
  });

  it('errors name the code and the line', async () => {
    const bad = await readPathCsvFile(fixture('bad-number.csv'));
    expect(bad).toMatchObject({ ok: false, code: 'ATTR_ERR_BAD_CSV', line: 3 });
    expect(parsePathCsv('path,total_conversions\na>>b,1\n')).toMatchObject({ ok: false, line: 2 });
    expect(parsePathCsv('path,total_conversions\n,1\n')).toMatchObject({ ok: false, line: 2 });
    expect(parsePathCsv('path,total_conversions\na,1,2\n')).toMatchObject({ ok: false, line: 2 });
    expect(parsePathCsv('route,conversions\na,1\n')).toMatchObject({ ok: false, line: 1 });
    expect(parsePathCsv('path,total_conversions\na,-1\n')).toMatchObject({ ok: false, line: 2 });
    expect(parsePathCsv('')).toMatchObject({ ok: false, line: 1 });
    expect(await readPathCsvFile(fixture('missing.csv'))).toMatchObject({ ok: false, code: 'ATTR_ERR_IO' });
  });

  it('streaming parser gives the same result as one push', () => {
    const text = readFileSync(fixture('sales-paths.csv'), 'utf8');
    const p = createPathCsvParser();
    for (let i = 0; i < text.length; i += 7) p.push(text.slice(i, i + 7));
    expect(p.end()).toEqual(parsePathCsv(text));
  });
});
