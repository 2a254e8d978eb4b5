import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestOmnilane, type TestOmnilane } from '../support/omnilane.js';

let om: TestOmnilane;
const now = Date.now();
const minuteAgo = now - 60_000;

function event(id: string, type: string, at: number, extra: Record<string, unknown> = {}) {
  return { id, type, channel: 'web', occurred_at: new Date(at).toISOString(), customer: { external_id: 'cust-1' }, ...extra };
}

beforeAll(async () => {
  om = await startTestOmnilane();
});
afterAll(async () => {
  await om?.cleanup();
});

describe('embedded Omnilane end to end', () => {
  it('is healthy and documents every route', async () => {
    expect((await om.get('/healthz', '')).status).toBe(200);
    const spec = (await (await om.get('/openapi.json', '')).json()) as { paths: Record<string, unknown> };
    for (const p of ['/v1/events', '/v1/board', '/v1/live', '/v1/metrics/{kpi}', '/healthz']) expect(Object.keys(spec.paths)).toContain(p);
  });

  it('accepts valid events, rejects invalid ones by themselves and counts duplicates once', async () => {
    const events = [
      event('a1', 'conversation.started', minuteAgo, { conversation_id: 'k1' }),
      event('a2', 'message.received', minuteAgo + 1000, { conversation_id: 'k1', properties: { text: '你好，请问价格？' } }),
      event('a3', 'message.sent', minuteAgo + 31_000, { conversation_id: 'k1', agent_id: 'agent-li' }),
      event('bad1', 'message.exploded', minuteAgo),
      { ...event('bad2', 'touchpoint', minuteAgo), customer: {} },
      event('a2', 'message.received', minuteAgo + 1000, { conversation_id: 'k1' }),
      { ...event('a4', 'touchpoint', minuteAgo), channel: 'sms' },
    ];
    const res = await om.post('/v1/events', { events });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { accepted: number; duplicates: number; rejected: Array<{ index: number; code: string }> };
    expect(body.accepted).toBe(4);
    expect(body.duplicates).toBe(1);
    expect(body.rejected.map((r) => [r.index, r.code])).toEqual([
      [3, 'ING_ERR_UNKNOWN_TYPE'],
      [4, 'ING_ERR_NO_CUSTOMER_ID'],
    ]);

    const again = (await (await om.post('/v1/events', { events: events.slice(0, 3) })).json()) as { accepted: number; duplicates: number };
    expect(again).toMatchObject({ accepted: 0, duplicates: 3 });

    await om.drained();
    const stored = await om.engines.warehouse.query<{ events: number | string }>('events_count', {});
    expect(Number(stored[0].events)).toBe(4);
    const dead = await om.engines.warehouse.query<{ code: string; source: string }>('dead_letters_recent', { limit: 10 });
    expect(dead.map((d) => d.code).sort()).toEqual(['ING_ERR_NO_CUSTOMER_ID', 'ING_ERR_UNKNOWN_TYPE']);
  });

  it('serves the metrics back through the API', async () => {
    const board = (await (await om.get('/v1/board?minutes=10')).json()) as {
      totals: { events: number; conversations: number; first_response: { count: number; p50_ms: number } };
      channels: Array<{ channel: string; events: number }>;
    };
    expect(board.totals.events).toBe(4);
    expect(board.totals.conversations).toBe(1);
    expect(board.totals.first_response).toMatchObject({ count: 1, p50_ms: 31_000 });
    expect(board.channels.find((c) => c.channel === 'sms')?.events).toBe(1);

    const m = (await (await om.get(`/v1/metrics/events?from=${now - 3600_000}&granularity=hour`)).json()) as {
      series: Array<{ channel: string; value: number }>;
    };
    const total = m.series.reduce((s, r) => s + r.value, 0);
    expect(total).toBe(4);
    const frt = (await (await om.get('/v1/metrics/first_response?channel=web')).json()) as { unit: string; series: Array<{ p50_ms: number; count: number }> };
    expect(frt.unit).toBe('ms');
    expect(frt.series[0]).toMatchObject({ count: 1, p50_ms: 31_000 });
  });

  it('answers bad requests with codes', async () => {
    const r401 = await om.post('/v1/events', { events: [event('x', 'touchpoint', now)] }, 'wrong-key-wrong-key');
    expect(r401.status).toBe(401);
    expect(await r401.json()).toMatchObject({ code: 'ING_ERR_UNAUTHORIZED' });
    expect((await om.post('/v1/events', { events: [] }, '')).status).toBe(401);

    const notJson = await om.post('/v1/events', '{"events": [', undefined);
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ code: 'ING_ERR_NOT_JSON' });

    const tooBig = await om.post('/v1/events', { events: [event('big', 'touchpoint', now, { properties: { blob: 'x'.repeat(1024 * 1024) } })] });
    expect(tooBig.status).toBe(413);
    expect(await tooBig.json()).toMatchObject({ code: 'ING_ERR_BODY_TOO_LARGE' });

    const tooMany = await om.post('/v1/events', { events: Array.from({ length: 1001 }, (_, i) => event(`m${i}`, 'touchpoint', now)) });
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toMatchObject({ code: 'ING_ERR_BAD_BATCH' });

    const viewerOnly = await om.get('/v1/board', om.ingestKey);
    expect(viewerOnly.status).toBe(403);
    expect(await viewerOnly.json()).toMatchObject({ code: 'API_ERR_FORBIDDEN' });

    // Issue 6 contract: an unknown KPI is 404 naming the known ones; a bad granularity stays 400.
    const badKpi = await om.get('/v1/metrics/revenue');
    expect(badKpi.status).toBe(404);
    expect(await badKpi.json()).toMatchObject({ code: 'API_ERR_NOT_FOUND' });
    const badGranularity = await om.get('/v1/metrics/events?granularity=week');
    expect(badGranularity.status).toBe(400);
    expect(await badGranularity.json()).toMatchObject({ code: 'API_ERR_VALIDATION' });

    const missing = await om.get('/v1/nothing');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'API_ERR_NOT_FOUND' });
  });

  it('pushes a board snapshot over the live stream after new events', async () => {
    const ctrl = new AbortController();
    const res = await fetch(`${om.url}/v1/live?minutes=10`, { headers: { authorization: `Bearer ${om.adminKey}` }, signal: ctrl.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const snapshots: Array<{ totals: { events: number } }> = [];
    await om.post('/v1/events', { events: [event('live1', 'touchpoint', now)] });
    const until = Date.now() + 10_000;
    while (Date.now() < until && !snapshots.some((s) => s.totals.events === 5)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      for (const m of text.matchAll(/event: board\ndata: (.*)\n\n/g)) snapshots.push(JSON.parse(m[1]));
      text = text.slice(text.lastIndexOf('\n\n') + 2);
    }
    ctrl.abort();
    expect(snapshots.at(-1)?.totals.events).toBe(5);
  });
});

describe('stream dead letters and ops metrics', () => {
  it('keeps an undecodable bus message in dead_letters and on the dead-letter topic, and the batch goes on', async () => {
    const { TOPICS } = await import('../../shared/topics.js');
    await om.engines.bus.publish(TOPICS.events, [
      { key: 'ext:cust-1', value: '{not json' },
      {
        key: 'ext:cust-1',
        value: JSON.stringify({
          id: 'after-bad',
          producer: 'ingest-default',
          type: 'touchpoint',
          channel: 'ad',
          occurred_at: Date.now(),
          received_at: Date.now(),
          customer_key: 'ext:cust-1',
          customer: { external_id: 'cust-1' },
          conversation_id: null,
          agent_id: null,
          properties: {},
        }),
      },
    ]);
    await om.drained();
    // Sealed at rest (docs/privacy.md, "Dead letters"); the admin route shows it opened.
    const kept = await om.engines.warehouse.query<{ code: string; source: string; payload: string }>('dead_letters_recent', { limit: 10 });
    expect(kept.find((d) => d.source === 'stream')?.payload).toMatch(/^pd1\./);
    const { dead_letters: dead } = (await (await om.get('/v1/dead-letters?limit=10')).json()) as { dead_letters: Array<{ source: string }> };
    expect(dead.find((d) => d.source === 'stream')).toMatchObject({ code: 'STR_ERR_UNPARSABLE', payload: '{not json' });
    const stored = await om.engines.warehouse.query<{ events: number | string }>('events_count', {});
    expect(Number(stored[0].events)).toBe(6);
    const seen: string[] = [];
    const sub = await om.engines.bus.subscribe({
      groupId: 'test-dlq-reader',
      topics: [TOPICS.deadLetters],
      eachBatch: async (b) => void seen.push(...b.messages.map((m) => m.value)),
    });
    for (let i = 0; i < 100 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await sub.stop();
    expect(JSON.parse(seen[0])).toMatchObject({ code: 'STR_ERR_UNPARSABLE', source: 'stream' });
  });

  it('exposes consumer lag and throughput in Prometheus format', async () => {
    const res = await om.get('/metrics');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/^omnilane_stream_lag_records 0$/m);
    expect(Number(/^omnilane_stream_events_processed_total (\d+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(6);
    expect((await om.get('/metrics', '')).status).toBe(401);
  });
});
