import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '../../shared/topics.js';
import { startTestOmnilane, type TestOmnilane } from '../support/omnilane.js';

/** Issue 18 (hostile input): each probe finding, replayed against the real embedded server. */
let om: TestOmnilane;
const now = Date.now();
const ev = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'touchpoint',
  channel: 'web',
  occurred_at: now - 1000,
  customer: { external_id: `hostile-${id}` },
  ...extra,
});

function dirBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? dirBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size;
  return n;
}

beforeAll(async () => {
  om = await startTestOmnilane({ WECHAT_TOKEN: 'hostiletoken', LIVE_MAX_CONNECTIONS_PER_KEY: '2', REJECTED_KEEP_PER_SOURCE_PER_MIN: '5' });
}, 60_000);
afterAll(async () => {
  await om?.cleanup();
});

describe('hostile input on the embedded default', () => {
  it('properties nested 6,000 deep reject that event alone; its valid sibling is accepted', async () => {
    const deep = '{"a":'.repeat(6000) + '1' + '}'.repeat(6000);
    const body = `{"events":[${JSON.stringify(ev('deep')).slice(0, -1)},"properties":${deep}},${JSON.stringify(ev('sibling'))}]}`;
    const res = await om.post('/v1/events', body);
    const reply = (await res.json()) as { accepted: number; rejected: Array<{ index: number; code: string }> };
    expect(res.status).toBeLessThan(300);
    expect(reply.accepted).toBe(1);
    expect(reply.rejected).toEqual([expect.objectContaining({ index: 0, code: 'ING_ERR_TOO_DEEP' })]);
  });

  it('a lone surrogate rejects the event with ING_ERR_BAD_UNICODE and never reaches the profile', async () => {
    const body = `{"events":[${JSON.stringify(ev('sur', { type: 'message.received', properties: { text: 'PLACEHOLDER' } })).replace('PLACEHOLDER', 'a\\ud800b')}]}`;
    const res = await om.post('/v1/events', body);
    const reply = (await res.json()) as { rejected: Array<{ code: string }> };
    expect(reply.rejected[0].code).toBe('ING_ERR_BAD_UNICODE');
    await om.drained();
    const profile = await om.get('/v1/customers/ext:hostile-sur');
    expect(profile.status).not.toBe(500);
  });

  it('a deal value of 1.7e308 is refused alone with ING_ERR_OUT_OF_RANGE', async () => {
    const res = await om.post('/v1/events', {
      events: [ev('big', { type: 'deal.won', properties: { value: 1.7e308 } }), ev('ok', { type: 'deal.won', properties: { value: 1000 } })],
    });
    const reply = (await res.json()) as { accepted: number; rejected: Array<{ index: number; code: string }> };
    expect(reply.accepted).toBe(1);
    expect(reply.rejected).toEqual([expect.objectContaining({ index: 0, code: 'ING_ERR_OUT_OF_RANGE' })]);
  });

  it('board and deal KPIs answer 200 on extreme values already stored (sum is Infinity)', async () => {
    // Written straight to the bus, as data accepted before the bound existed would be.
    const envelope = (id: string) => ({
      id,
      producer: 'old',
      type: 'deal.won',
      channel: 'web',
      occurred_at: now - 2000,
      received_at: now - 2000,
      customer_key: 'ext:old',
      customer: { external_id: 'old' },
      conversation_id: null,
      agent_id: null,
      properties: { value: 1.7e308 },
    });
    await om.engines.bus.publish(
      TOPICS.events,
      ['x1', 'x2'].map((id) => ({ key: 'ext:old', value: JSON.stringify(envelope(id)) })),
    );
    await om.drained();
    await new Promise((r) => setTimeout(r, 1500));
    const board = await om.get('/v1/board');
    expect(board.status).toBe(200);
    const snap = (await board.json()) as { kpis: { deals: number; deal_value: number | null } };
    expect(snap.kpis.deal_value).toBeNull();
    const deals = await om.get('/v1/metrics/deals');
    expect(deals.status).toBe(200);
    const funnel = await om.get('/v1/funnel');
    expect(funnel.status).toBe(200);
  });

  it.each(['from=99999999999999999', 'to=99999999999999999', 'from=-5', 'from=10000-01-01T00:00:00Z', 'from=0&to=300000000000000'])(
    'out-of-range times answer 400 API_ERR_VALIDATION (%s)',
    async (qs) => {
      for (const path of ['/v1/metrics/deals', '/v1/funnel', '/v1/attribution?model=markov']) {
        const res = await om.get(`${path}${path.includes('?') ? '&' : '?'}${qs}`);
        expect(res.status, `${path} ${qs}`).toBe(400);
        expect(((await res.json()) as { code: string }).code).toBe('API_ERR_VALIDATION');
      }
    },
  );

  it('/v1/live is capped per key (429 API_ERR_TOO_MANY_LIVE) and frees the slot on close', async () => {
    const open = () => {
      const ctl = new AbortController();
      return { ctl, res: fetch(`${om.url}/v1/live?minutes=7`, { headers: { authorization: `Bearer ${om.adminKey}` }, signal: ctl.signal }) };
    };
    const a = open();
    const b = open();
    expect((await a.res).status).toBe(200);
    expect((await b.res).status).toBe(200);
    const c = await fetch(`${om.url}/v1/live?minutes=8`, { headers: { authorization: `Bearer ${om.adminKey}` } });
    expect(c.status).toBe(429);
    expect(((await c.json()) as { code: string }).code).toBe('API_ERR_TOO_MANY_LIVE');
    a.ctl.abort();
    b.ctl.abort();
    await new Promise((r) => setTimeout(r, 200));
    const d = open();
    expect((await d.res).status).toBe(200);
    d.ctl.abort();
  });

  it('100 unsigned 200 KB WeChat posts are refused without storing their bodies at full size', async () => {
    const busDir = join(om.dataDir, 'bus');
    const before = dirBytes(busDir);
    const statsBefore = structuredClone(om.ingest.rejectedStats());
    const body = `<xml><Content><![CDATA[${'x'.repeat(200 * 1024)}]]></Content></xml>`;
    for (let i = 0; i < 100; i++) {
      const res = await fetch(`${om.url}/v1/channels/wechat?signature=bad&timestamp=1&nonce=${i}`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body,
      });
      expect([401, 429]).toContain(res.status);
    }
    const grown = dirBytes(busDir) - before;
    // 5 kept per source per minute, 2 KiB each, plus the envelope: far below one full body (was 6.4 MiB).
    expect(grown).toBeLessThan(64 * 1024);
    const stats = om.ingest.rejectedStats();
    expect(stats.kept - statsBefore.kept).toBeLessThanOrEqual(5);
    expect(stats.dropped.source - statsBefore.dropped.source).toBeGreaterThan(0);
    const metrics = await (await om.get('/metrics')).text();
    expect(metrics).toMatch(/^omnilane_rejected_payloads_dropped_total [1-9]\d*$/m);
  });
});
