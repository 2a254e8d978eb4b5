import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../shared/clock.js';
import { silentLogger } from '../../shared/logger.js';
import { AttributionJob } from '../../stream/attribution/attribution-job.js';
import { knownAnswerEvents, toEventRows } from '../../stream/attribution/journey-fixtures.js';
import { DuckDbWarehouse } from '../../warehouse/duckdb/duckdb-warehouse.js';
import { testAccess } from '../../test/support/access.js';
import { buildTestApp } from '../../test/support/app.js';

const END = Date.parse('2026-11-24T12:00:00Z');
const clock = manualClock(END);
const keys = await testAccess([
  { id: 'a', role: 'admin', secret: 'admin-secret' },
  { id: 'v', role: 'analyst', secret: 'viewer-secret' },
]);
let wh: DuckDbWarehouse;
let app: FastifyInstance;
let bare: FastifyInstance;
let job: AttributionJob;

async function make(attribution?: AttributionJob): Promise<FastifyInstance> {
  return buildTestApp({ warehouse: wh, clock, access: keys }, { attribution });
}

beforeAll(async () => {
  wh = await DuckDbWarehouse.open(':memory:');
  await wh.migrate();
  await wh.append('events', toEventRows(knownAnswerEvents(END), END));
  job = new AttributionJob({ warehouse: wh, clock, log: silentLogger(), intervalMs: 60_000, lookbackDays: 30, bootstrapResamples: 40 });
  app = await make(job);
  bare = await make();
});
afterAll(async () => {
  await app?.close();
  await bare?.close();
  await wh?.close();
});

const get = (a: FastifyInstance, url: string, key = 'viewer-secret') => a.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });

describe('attribution routes', () => {
  it('answer 503 API_ERR_NOT_READY without a job, 401 without a key', async () => {
    for (const url of ['/v1/attribution', '/v1/attribution/transitions']) {
      const res = await get(bare, url);
      expect(res.statusCode).toBe(503);
      expect(res.json().code).toBe('API_ERR_NOT_READY');
      expect((await app.inject({ method: 'GET', url })).statusCode).toBe(401);
    }
    const run = await bare.inject({ method: 'POST', url: '/v1/attribution/run', headers: { authorization: 'Bearer admin-secret' } });
    expect(run.statusCode).toBe(503);
  });

  it('is empty before the first run', async () => {
    const res = await get(app, '/v1/attribution');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ channels: [], models: [], job: { running: false, last_run_at: null } });
    expect((await get(app, '/v1/attribution/transitions')).json()).toMatchObject({ run_id: null, transitions: [] });
  });

  it('lets only admins run it', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/attribution/run', headers: { authorization: 'Bearer viewer-secret' } });
    expect(res.statusCode).toBe(403);
  });

  it('runs on demand and serves every model per channel with the known answer', async () => {
    const run = await app.inject({ method: 'POST', url: '/v1/attribution/run', headers: { authorization: 'Bearer admin-secret' } });
    expect(run.statusCode).toBe(200);
    expect(run.json()).toMatchObject({ journeys: 3, conversions: 3, value: 600, open: 2, window_to: new Date(END).toISOString() });

    const body = (await get(app, '/v1/attribution')).json();
    expect(body.channels).toEqual(['ad', 'web_chat']);
    expect(body.models.map((m: { model: string }) => m.model)).toEqual(['markov', 'shapley', 'first', 'last', 'linear', 'time_decay', 'position']);
    const markov = body.models[0];
    expect(markov).toMatchObject({ order: 1, journeys: 3, total_conversions: 3, total_value: 600, run_id: run.json().run_id });
    expect(markov.channels[0].channel).toBe('ad');
    expect(markov.channels[0].conversions).toBeCloseTo(2, 9);
    expect(markov.channels[0].value).toBeCloseTo(400, 9);
    expect(markov.channels[0].removal_effect).toBeCloseTo(1, 9);
    expect(markov.channels[1].removal_effect).toBeCloseTo(0.5, 9);
    expect(markov.channels[0].conversions_ci).toHaveLength(2);
    expect(body.models[2].order).toBeNull();
    expect(body.models[2].channels[0].removal_effect).toBeNull();
    expect(body.job.last_run_at).toBe(new Date(END).toISOString());

    const tr = (await get(app, '/v1/attribution/transitions')).json();
    expect(tr.order).toBe(1);
    expect(tr.transitions).toContainEqual({ from: '(start)', to: 'ad', probability: 1 });
  });

  it('runs over a given window and filters by window', async () => {
    clock.advance(1000);
    const run = await app.inject({
      method: 'POST',
      url: '/v1/attribution/run',
      headers: { authorization: 'Bearer admin-secret' },
      payload: { from: new Date(END - 2.5 * 86_400_000).toISOString(), to: String(END) },
    });
    expect(run.statusCode).toBe(200);
    expect(run.json()).toMatchObject({ journeys: 2, conversions: 2, value: 500 });
    const narrow = (await get(app, `/v1/attribution?from=${END - 2.5 * 86_400_000}&to=${END}`)).json();
    expect(narrow.models[0].journeys).toBe(2);
    const bad = await get(app, '/v1/attribution?from=yesterday');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('API_ERR_VALIDATION');
  });

  it('are documented in /openapi.json', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    for (const p of ['/v1/attribution', '/v1/attribution/run', '/v1/attribution/transitions', '/v1/funnel']) expect(doc.paths[p], p).toBeDefined();
    expect(doc.paths['/v1/funnel'].get.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['by', 'from', 'to', 'window_hours']);
  });
});

describe('funnel route', () => {
  it('serves the funnel by channel with rates, times and a total', async () => {
    const res = await get(app, `/v1/funnel?to=${END}&window_hours=24`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ by: 'channel', window_hours: 24, steps: ['inquiry', 'opportunity', 'deal'] });
    expect(body.groups[0]).toMatchObject({
      key: 'web',
      inquiries: 3,
      opportunities: 3,
      deals: 2,
      deal_value: 300,
      opportunity_rate: 1,
      avg_inquiry_to_opportunity_ms: 240_000,
    });
    expect(body.groups[0].deal_rate).toBeCloseTo(2 / 3, 12);
    expect(body.groups[1]).toMatchObject({ key: 'wechat', inquiries: 1, opportunities: 0, deals: 0, opportunity_rate: 0, avg_inquiry_to_opportunity_ms: null });
    expect(body.total).toMatchObject({
      inquiries: 4,
      opportunities: 3,
      deals: 2,
      deal_value: 300,
      overall_rate: 0.5,
      avg_inquiry_to_opportunity_ms: 240_000,
      avg_inquiry_to_deal_ms: 80 * 60_000,
    });
  });

  it('groups by source and segment and validates its parameters', async () => {
    const bySource = (await get(app, `/v1/funnel?to=${END}&by=source`)).json();
    expect(bySource.groups.map((g: { key: string; deals: number }) => [g.key, g.deals])).toEqual([
      ['baidu', 0],
      ['google', 2],
    ]);
    const bySegment = (await get(app, `/v1/funnel?to=${END}&by=segment`)).json();
    expect(bySegment.groups.map((g: { key: string }) => g.key)).toEqual(['normal', 'VIP']);
    expect((await get(app, '/v1/funnel?by=region')).statusCode).toBe(400);
    expect((await get(app, '/v1/funnel?window_hours=0')).statusCode).toBe(400);
    expect((await get(app, `/v1/funnel?from=${END}&to=${END - 1}`)).statusCode).toBe(400);
  });
});
