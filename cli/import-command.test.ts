import { describe, expect, it } from 'vitest';
import { MAX_INGEST_BODY_BYTES } from '../ingest/events-routes.js';
import { Batch, MAX_BATCH_BYTES, MAX_BATCH_EVENTS } from '../ingest/import/index.js';
import { MAX_EVENTS_PER_REQUEST } from '../ingest/ingest-service.js';
import { formatOf, parseImportArgs } from './import-command.js';
import { HttpSink, retryDelayMs } from './import-http-sink.js';
import { formatProgress, ProgressReporter } from './import-progress.js';

describe('batches', () => {
  it('hold what one POST /v1/events request may carry', () => {
    expect(MAX_BATCH_EVENTS).toBe(MAX_EVENTS_PER_REQUEST);
    expect(MAX_BATCH_BYTES).toBe(MAX_INGEST_BODY_BYTES);
    const b = new Batch({ end: 0, next: 1 });
    const json = JSON.stringify({ id: 'x', pad: 'y'.repeat(500) });
    const size = Buffer.byteLength(json);
    while (b.fits(size)) b.add({}, json, size, 1);
    expect(b.events.length).toBe(MAX_BATCH_EVENTS);
    const big = new Batch({ end: 0, next: 1 });
    const large = JSON.stringify('z'.repeat(300_000));
    while (big.fits(large.length)) big.add({}, large, large.length, 1);
    expect(big.events.length).toBe(3);
    expect(Buffer.byteLength(big.body())).toBeLessThanOrEqual(MAX_BATCH_BYTES);
  });
});

describe('arguments', () => {
  it('parses flags, repeated mappings and the file; refuses unknown ones', () => {
    const r = parseImportArgs(['h.csv', '--column', 'When=occurred_at', '--column=Notes=-', '--set', 'channel=sms', '--url', 'http://x:1', '--restart']);
    expect(r).toMatchObject({
      ok: true,
      args: {
        file: 'h.csv',
        columns: { When: 'occurred_at', Notes: '-' },
        constants: { channel: 'sms' },
        url: 'http://x:1',
        restart: true,
        producer: 'ingest-default',
      },
    });
    expect(parseImportArgs(['a', 'b'])).toMatchObject({ ok: false, message: 'unknown argument b' });
    expect(parseImportArgs(['a', '--column', 'nope'])).toMatchObject({ ok: false });
    expect(parseImportArgs(['a', '--url', 'ftp://x'])).toMatchObject({ ok: false });
    expect([formatOf('x.ndjson'), formatOf('x.CSV'), formatOf('x.txt'), formatOf('x.txt', 'csv')]).toEqual(['jsonl', 'csv', null, 'csv']);
  });
});

describe('HTTP sink', () => {
  it('honours Retry-After seconds and dates, else backs off exponentially with jitter, capped', () => {
    const now = Date.parse('2026-10-01T00:00:00Z');
    expect(retryDelayMs('2', 0, now, () => 0.5)).toBe(2000);
    expect(retryDelayMs(new Date(now + 3000).toUTCString(), 0, now, () => 0.5)).toBe(3000);
    expect(retryDelayMs(null, 0, now, () => 1)).toBe(500);
    expect(retryDelayMs(null, 3, now, () => 0)).toBe(2000);
    expect(retryDelayMs(null, 20, now, () => 1)).toBe(60_000);
  });

  const batch = () => {
    const b = new Batch({ end: 0, next: 1 });
    b.add({ id: 'a' }, '{"id":"a"}', 10, 1);
    return b;
  };

  it('retries 429 and 503 after Retry-After and network errors, then returns the 202 reply', async () => {
    const answers: Array<() => Response> = [
      () => new Response(JSON.stringify({ code: 'ING_ERR_RATE_LIMITED', message: 'slow down' }), { status: 429, headers: { 'retry-after': '1' } }),
      () => {
        throw new TypeError('fetch failed');
      },
      () => new Response('{"code":"ING_ERR_UNAVAILABLE"}', { status: 503, headers: { 'retry-after': '0' } }),
      () => new Response('{"accepted":1,"duplicates":0,"rejected":[]}', { status: 202 }),
    ];
    const bodies: string[] = [];
    const waits: number[] = [];
    const sink = new HttpSink({
      url: 'http://h/',
      key: 'k',
      fetch: (async (url: string, init: RequestInit) => {
        expect(url).toBe('http://h/v1/events');
        expect((init.headers as Record<string, string>).authorization).toBe('Bearer k');
        bodies.push(init.body as string);
        return answers.shift()!();
      }) as unknown as typeof fetch,
      sleep: async (ms) => void waits.push(ms),
      random: () => 1,
    });
    expect(await sink.send(batch())).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    expect(waits).toEqual([1000, 1000, 0]);
    expect(new Set(bodies)).toEqual(new Set(['{"events":[{"id":"a"}]}']));
  });

  it('stops with IMPORT_ERR_REMOTE on a refusal that a retry cannot fix, and when retries run out', async () => {
    const refuse = new HttpSink({
      url: 'http://h',
      key: 'k',
      fetch: async () => new Response('{"code":"ING_ERR_UNAUTHORIZED","message":"unknown key"}', { status: 401 }),
    });
    await expect(refuse.send(batch())).rejects.toMatchObject({ code: 'IMPORT_ERR_REMOTE', message: expect.stringContaining('ING_ERR_UNAUTHORIZED') });
    let calls = 0;
    const down = new HttpSink({
      url: 'http://h',
      key: 'k',
      attempts: 3,
      sleep: async () => undefined,
      fetch: async () => (calls++, new Response('', { status: 503 })),
    });
    await expect(down.send(batch())).rejects.toMatchObject({ code: 'IMPORT_ERR_REMOTE', message: expect.stringContaining('after 3 attempts') });
    expect(calls).toBe(3);
  });
});

describe('progress', () => {
  const p = (bytes: number, lines: number) => ({ bytes, totalBytes: 1000, counts: { lines, accepted: lines, duplicates: 0, rejected: 0, byCode: {} } });
  it('formats a bar on a terminal and a plain line elsewhere', () => {
    expect(formatProgress(p(500, 5000), 1000, { bar: true })).toBe(
      '[############............]  50% 5,000 lines (5,000 accepted, 0 duplicates) 5,000 lines/s ETA 1s',
    );
    expect(formatProgress(p(1000, 10), 0, { bar: false })).toBe('100% 10 lines (10 accepted, 0 duplicates) 0 lines/s');
  });
  it('writes one plain line per 10 % when stderr is not a terminal', () => {
    const out: string[] = [];
    const r = new ProgressReporter({ write: (s) => out.push(s), isTTY: false, now: () => 0 });
    for (let b = 0; b <= 1000; b += 50) r.update(p(b, b));
    expect(out.length).toBe(11);
    expect(out.every((l) => l.startsWith('import: ') && l.endsWith('\n'))).toBe(true);
  });
});
