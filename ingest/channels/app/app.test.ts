import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { channelTestApp, INGEST_KEY, type ChannelTestApp } from '../../../test/support/channel-kit.js';
import { OmnilaneAppClient } from './client.js';

let t: ChannelTestApp;
let server: Server | undefined;
afterEach(async () => {
  await t?.close();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

const at = Date.UTC(2026, 0, 2, 7, 0, 0);

describe('app SDK endpoint', () => {
  it('stamps channel=app, takes the customer from the batch and needs the ingest key', async () => {
    t = await channelTestApp();
    const payload = {
      anonymous_id: 'dev-42',
      user_id: 'u-7',
      context: { os: 'iOS 18', app_version: '3.1.0' },
      events: [
        { id: 'e1', type: 'touchpoint', occurred_at: at, properties: { screen: '价格页' } },
        { id: 'e2', type: 'bogus', occurred_at: at },
      ],
    };
    const res = await t.app.inject({ method: 'POST', url: '/v1/channels/app/events', headers: { authorization: `Bearer ${INGEST_KEY}` }, payload });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ accepted: 1, rejected: [{ index: 1, code: 'ING_ERR_UNKNOWN_TYPE' }] });
    expect(t.events()[0]).toMatchObject({
      channel: 'app',
      customer_key: 'ext:u-7',
      producer: 'k-ingest',
      properties: { screen: '价格页', app: { os: 'iOS 18' } },
    });
    const anon = await t.app.inject({ method: 'POST', url: '/v1/channels/app/events', payload });
    expect([anon.statusCode, anon.json().code]).toEqual([401, 'ING_ERR_UNAUTHORIZED']);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/channels/app/events',
      headers: { authorization: `Bearer ${INGEST_KEY}` },
      payload: { nope: 1 },
    });
    expect([bad.statusCode, bad.json().code]).toEqual([400, 'ING_ERR_BAD_BATCH']);
  });

  it('client batches by size, retries 503s with the same ids and the server counts them once', async () => {
    t = await channelTestApp();
    let failures = 2;
    const seen: string[][] = [];
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      // a failed forward answers 500, which the client under test then retries and the assertions catch
      req.on(
        'end',
        () =>
          void (async () => {
            const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { events: Array<{ id: string }> };
            seen.push(body.events.map((e) => e.id));
            const r = await t.app.inject({
              method: 'POST',
              url: req.url!,
              headers: { authorization: req.headers.authorization!, 'content-type': 'application/json' },
              payload: body,
            });
            if (failures-- > 0) return res.writeHead(503).end('{"code":"ING_ERR_UNAVAILABLE"}');
            res.writeHead(r.statusCode, { 'content-type': 'application/json' }).end(r.body);
          })().catch((err: Error) => res.writeHead(500).end(err.message)),
      );
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    let n = 0;
    const client = new OmnilaneAppClient({
      baseUrl: `http://127.0.0.1:${port}`,
      key: INGEST_KEY,
      anonymousId: 'dev-9',
      maxBatch: 3,
      flushIntervalMs: 60_000,
      sleep: async () => undefined,
      newId: () => `ev-${++n}`,
      now: () => at,
    });
    for (let i = 0; i < 4; i++) client.track('touchpoint', { i });
    await client.flush();
    expect(seen).toEqual([['ev-1', 'ev-2', 'ev-3'], ['ev-1', 'ev-2', 'ev-3'], ['ev-1', 'ev-2', 'ev-3'], ['ev-4']]);
    expect(t.events().map((e) => e.id)).toEqual(['ev-1', 'ev-2', 'ev-3', 'ev-4']);
  });
});

describe('app SDK endpoint errors', () => {
  it('answers invalid JSON with ING_ERR_NOT_JSON like /v1/events', async () => {
    t = await channelTestApp();
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/channels/app/events',
      headers: { authorization: `Bearer ${INGEST_KEY}`, 'content-type': 'application/json' },
      payload: '{"events":[',
    });
    expect([res.statusCode, res.json().code]).toEqual([400, 'ING_ERR_NOT_JSON']);
  });
});
