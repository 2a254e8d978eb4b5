import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateEvent } from '../../shared/envelope.js';
import { compileCsvMapping } from './csv-mapping.js';
import { parseJsonlLine } from './jsonl-line.js';
import { readRecords } from './records.js';
import type { ImportRecord } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'omnilane-import-core-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const all = async (it: AsyncGenerator<ImportRecord>) => {
  const out: ImportRecord[] = [];
  for await (const r of it) out.push(r);
  return out;
};

describe('JSON lines', () => {
  it('parses an event object, skips blank lines and rejects what is not one object', () => {
    expect(parseJsonlLine('\uFEFF{"id":"a"}')).toEqual({ ok: true, event: { id: 'a' } });
    expect(parseJsonlLine('   ')).toBeNull();
    expect(parseJsonlLine('{"id":')).toMatchObject({ ok: false, code: 'IMPORT_ERR_NOT_JSON' });
    expect(parseJsonlLine('[1]')).toMatchObject({ ok: false, code: 'IMPORT_ERR_NOT_JSON', reason: expect.stringContaining('array') });
  });
});

describe('CSV mapping', () => {
  const header = [
    'id',
    'type',
    'channel',
    'occurred_at',
    'customer.phone',
    'conversation_id',
    'properties.score',
    'properties.zip:string',
    'properties.tags:json',
  ];
  it('maps event-field columns as they are, infers numbers only when they read back identically', () => {
    const m = compileCsvMapping(header);
    if (!m.ok) throw new Error(m.message);
    const r = m.mapping.toEvent(['e1', 'csat.submitted', 'sms', '2026-10-01T08:00:00+08:00', '+86 138 0000 0000', '', '5', '00123', '["vip"]']);
    expect(r).toEqual({
      ok: true,
      event: {
        id: 'e1',
        type: 'csat.submitted',
        channel: 'sms',
        occurred_at: '2026-10-01T08:00:00+08:00',
        customer: { phone: '+86 138 0000 0000' },
        properties: { score: 5, zip: '00123', tags: ['vip'] },
      },
    });
    // The pipeline accepts what the mapping builds.
    expect(validateEvent((r as { event: unknown }).event, 'p', Date.now()).ok).toBe(true);
    const auto = compileCsvMapping(['id', 'type', 'channel', 'occurred_at', 'customer.external_id', 'properties.order']);
    if (!auto.ok) throw new Error(auto.message);
    expect(auto.mapping.toEvent(['a', 't', 'web', '1', 'c', '000123'])).toMatchObject({ event: { properties: { order: '000123' } } });
    expect(auto.mapping.toEvent(['a', 't', 'web', '1', 'c', '12345678901234567890'])).toMatchObject({
      event: { properties: { order: '12345678901234567890' } },
    });
  });

  it('renames and ignores columns, fills constants, and rejects rows of the wrong width or type', () => {
    const m = compileCsvMapping(['Ticket', 'When', 'Kind', 'Mobile', 'Notes', 'Score'], {
      columns: { Ticket: 'id', When: 'occurred_at', Kind: 'type', Mobile: 'customer.phone', Notes: '-', Score: 'properties.score:number' },
      constants: { channel: 'voice', 'properties.source': 'crm-export' },
    });
    if (!m.ok) throw new Error(m.message);
    expect(m.mapping.toEvent(['t1', '1760000000000', 'touchpoint', '13800000000', 'free text', ''])).toEqual({
      ok: true,
      event: {
        id: 't1',
        occurred_at: '1760000000000',
        type: 'touchpoint',
        channel: 'voice',
        customer: { phone: '13800000000' },
        properties: { source: 'crm-export' },
      },
    });
    expect(m.mapping.toEvent(['t1', 'x'])).toMatchObject({ ok: false, code: 'IMPORT_ERR_BAD_CSV', reason: 'row has 2 fields, the header 6' });
    expect(m.mapping.toEvent(['t1', '1', 'touchpoint', '1', '', 'high'])).toMatchObject({
      ok: false,
      code: 'IMPORT_ERR_BAD_CSV',
      reason: expect.stringContaining('"Score"'),
    });
  });

  it('refuses a header that names no field, two columns for one field, or lacks required fields', () => {
    const bad = compileCsvMapping(['id', 'type', 'occured_at', 'customer.email']);
    expect(bad.ok).toBe(false);
    const msg = (bad as { message: string }).message;
    expect(msg).toContain('"occured_at" is not an event field');
    expect(msg).toContain("--column 'occured_at=<field>'");
    expect(msg).toContain('nothing supplies channel, occurred_at');
    expect(compileCsvMapping(['id', 'type', 'channel', 'occurred_at', 'x'], { columns: { x: 'id' } })).toMatchObject({
      ok: false,
      message: expect.stringContaining('both map to id'),
    });
    expect(compileCsvMapping(['id', 'type', 'channel', 'occurred_at'])).toMatchObject({ ok: false, message: expect.stringContaining('customer identifier') });
    expect(compileCsvMapping(['id', 'type', 'channel', 'occurred_at', 'customer.email'], { constants: { 'properties.n:number': 'x' } })).toMatchObject({
      ok: false,
    });
  });
});

describe('reading records and resuming', () => {
  it('JSON lines: a resume from any record boundary yields exactly the rest, with line numbers', async () => {
    const lines = ['{"id":"1"}', '', '{"id":"2"}\r', 'oops', '{"id":"长"}'];
    const p = file('a.jsonl', lines.join('\n'));
    const recs = await all(readRecords(p, { format: 'jsonl' }));
    expect(recs.map((r) => [r.line, r.ok])).toEqual([
      [1, true],
      [3, true],
      [4, false],
      [5, true],
    ]);
    expect(recs[3]).toMatchObject({ event: { id: '长' } });
    for (const [i, r] of recs.entries()) {
      const rest = await all(readRecords(p, { format: 'jsonl', fromByte: r.end, fromLine: r.next }));
      expect(rest).toEqual(recs.slice(i + 1));
    }
  });

  it('CSV: quoted fields with commas, quotes and newlines; a resume re-reads the header and continues', async () => {
    const text =
      'id,type,channel,occurred_at,customer.external_id,properties.text\r\n' +
      'a,message.received,web,2026-10-01T00:00:00Z,c1,"hi, ""there""\nsecond line"\r\n' +
      'b,message.sent,web,2026-10-01T00:01:00Z,c1,plain\r\n' +
      'c,message.sent,web\n' +
      'd,message.sent,web,2026-10-01T00:02:00Z,c2,"x"\n';
    const p = file('a.csv', text);
    const recs = await all(readRecords(p, { format: 'csv' }));
    expect(recs.map((r) => [r.line, r.ok])).toEqual([
      [2, true],
      [4, true],
      [5, false],
      [6, true],
    ]);
    expect(recs[0]).toMatchObject({ event: { properties: { text: 'hi, "there"\nsecond line' } }, next: 4 });
    for (const [i, r] of recs.entries()) {
      expect(await all(readRecords(p, { format: 'csv', fromByte: r.end, fromLine: r.next }))).toEqual(recs.slice(i + 1));
    }
  });

  it('CSV: an unterminated quote stops the import at its line', async () => {
    const p = file('b.csv', 'id,type,channel,occurred_at,customer.external_id\na,touchpoint,web,1,"c1\nb,touchpoint,web,1,c2\n');
    await expect(all(readRecords(p, { format: 'csv' }))).rejects.toMatchObject({ code: 'IMPORT_ERR_BAD_CSV', line: 2 });
  });
});
