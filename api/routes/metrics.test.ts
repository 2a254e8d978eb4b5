import { tableFromIPC } from 'apache-arrow';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../shared/clock.js';
import type { KpiCounters, KpiMinuteRow } from '../../shared/tables.js';
import { COUNTER_NAMES } from '../../stream/kpis/counters.js';
import { buildTestApp } from '../../test/support/app.js';
import { DuckDbWarehouse } from '../../warehouse/duckdb/duckdb-warehouse.js';
import { testAccess } from '../../test/support/access.js';
import { BoardService } from '../board/board-service.js';
import { KPI_NAMES } from '../../shared/kpi-catalogue.js';
import { KpiService } from '../metrics/kpi-service.js';
import { factsRow } from '../../test/contracts/kpi-fixture.js';

const T = Date.UTC(2026, 10, 24, 3, 30); // 11:30 in Asia/Shanghai
const clock = manualClock(T + 10 * 60_000);
const keys = await testAccess([
  { id: 'v', role: 'analyst', secret: 'viewer-secret' },
  { id: 'a', role: 'admin', secret: 'admin-secret' },
  { id: 'm', role: 'manager', secret: 'manager-secret' },
]);
const zero = Object.fromEntries(COUNTER_NAMES.map((n) => [n, 0])) as KpiCounters;
const firing = [
  {
    rule_id: 'frt_p90',
    kpi: 'first_response',
    stat: 'p90',
    op: '>',
    threshold: 60_000,
    value: 90_000,
    since: new Date(T).toISOString(),
    message_en: 'slow',
    message_zh: '慢',
  },
];
let wh: DuckDbWarehouse;
let app: FastifyInstance;

beforeAll(async () => {
  wh = await DuckDbWarehouse.open(':memory:');
  await wh.migrate();
  const row = (p: number, minute: number, channel: string, c: Partial<KpiCounters>): KpiMinuteRow => ({
    bus_partition: p,
    batch_offset: 0,
    minute,
    channel,
    source: 'baidu',
    team: 'east',
    agent: 'a1',
    tag: 'VIP',
    version: 1,
    ...zero,
    ...c,
  });
  const rows: KpiMinuteRow[] = [];
  for (let m = 0; m < 5; m++)
    rows.push(row(m % 3, T + m * 60_000, m % 2 ? 'sms' : 'web', { inquiries: m + 1, opportunities: m, csat_count: 1, csat_sum: 4, csat_satisfied: 1 }));
  await wh.append('kpi_minute_contrib', rows);
  await wh.append('conversation_facts', [
    factsRow({
      conversation_id: 'c1',
      customer_key: 'k1',
      channel: 'web',
      source: 'baidu',
      team: 'east',
      agent: 'a1',
      tag: 'VIP',
      started_at: T,
      last_event_at: T + 1000,
      first_response_at: T + 90_000,
      first_response_ms: 90_000,
      duration_ms: 1000,
      version: 1,
    }),
  ]);
  await wh.append('response_times', [
    {
      conversation_id: 'c1',
      reply_id: 'r1',
      replied_at: T + 90_000,
      inbound_at: T,
      response_ms: 90_000,
      channel: 'web',
      source: 'baidu',
      team: 'east',
      agent: 'a1',
      tag: 'VIP',
      version: 1,
    },
  ]);
  const kpis = new KpiService(wh, 'Asia/Shanghai');
  app = await buildTestApp(
    { warehouse: wh, clock, access: keys },
    { kpis, board: new BoardService(wh, clock, { kpis, alerts: { firing: () => firing } }), alerts: { rules: [], firing: () => firing } },
  );
});
afterAll(async () => {
  await app?.close();
  await wh?.close();
});

const get = (url: string, accept = 'application/json') => app.inject({ method: 'GET', url, headers: { authorization: 'Bearer viewer-secret', accept } });
const range = `from=${T}&to=${T + 3600_000}`;

describe('GET /v1/metrics/{kpi}', () => {
  it('serves a KPI as JSON per the contract, and the same series as an Arrow IPC stream', async () => {
    const json = await get(`/v1/metrics/inquiries?${range}&granularity=minute&group_by=channel`);
    expect(json.statusCode).toBe(200);
    const body = json.json();
    expect(body).toMatchObject({ kpi: 'inquiries', unit: 'count', granularity: 'minute', time_zone: 'Asia/Shanghai', group_by: 'channel' });
    expect(body.series.map((p: { value: number }) => p.value)).toEqual([1, 2, 3, 4, 5]);
    expect(body.series[1]).toEqual({ bucket: new Date(T + 60_000).toISOString(), group: 'sms', channel: 'sms', value: 2 });

    const ratio = (await get(`/v1/metrics/inquiry_to_opportunity?${range}&granularity=hour&group_by=none&tag=VIP`)).json();
    const arrow = await get(`/v1/metrics/inquiry_to_opportunity?${range}&granularity=hour&group_by=none&tag=VIP`, 'application/vnd.apache.arrow.stream');
    expect(arrow.headers['content-type']).toContain('application/vnd.apache.arrow.stream');
    const table = tableFromIPC(arrow.rawPayload);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['bucket', 'group', 'channel', 'value', 'numerator', 'denominator']);
    expect(table.schema.metadata.get('time_zone')).toBe('Asia/Shanghai');
    const decoded = table.toArray().map((r) => {
      const o = r.toJSON() as Record<string, unknown>;
      return { ...o, bucket: new Date(Number(o.bucket)).toISOString() };
    });
    expect(decoded).toEqual(ratio.series);
    expect(ratio.series).toEqual([
      { bucket: new Date(T - 30 * 60_000).toISOString(), group: null, channel: null, value: 10 / 15, numerator: 10, denominator: 15 },
    ]);
  });

  it('answers unknown KPIs with 404 listing the known ones, bad parameters with 400', async () => {
    const unknown = await get('/v1/metrics/revenue');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'API_ERR_NOT_FOUND', message: expect.stringContaining('first_response') });
    for (const url of [
      '/v1/metrics/inquiries?granularity=week',
      '/v1/metrics/inquiries?group_by=color',
      '/v1/metrics/inquiries?from=yesterday',
      `/v1/metrics/late_events?group_by=team`,
      `/v1/metrics/queue_length?channel=web`,
      `/v1/metrics/inquiries?from=${T}&to=${T - 1}`,
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().code, url).toBe('API_ERR_VALIDATION');
    }
    expect((await app.inject({ method: 'GET', url: '/v1/metrics/inquiries' })).statusCode).toBe(401);
  });

  it('drills into the conversations behind a bucket: all for admins, customer masked for analysts, none owned for a manager without a team', async () => {
    const url = `/v1/metrics/first_response/conversations?bucket=${new Date(T + 5 * 60_000).toISOString()}&granularity=hour&group_by=channel&group=web`;
    const as = (secret: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${secret}` } });
    expect((await as('admin-secret')).json().conversations).toMatchObject([{ conversation_id: 'c1', customer_key: 'k1' }]);
    expect((await as('manager-secret')).json().conversations).toEqual([]);
    const res = await get(url);
    expect(res.statusCode).toBe(200);
    expect(res.json().conversations).toEqual([
      {
        conversation_id: 'c1',
        customer_key: '***',
        channel: 'web',
        source: 'baidu',
        team: 'east',
        agent: 'a1',
        tag: 'VIP',
        started_at: new Date(T).toISOString(),
        first_response_ms: 90_000,
        outcome: '',
      },
    ]);
    expect((await get(`/v1/metrics/first_response/conversations?bucket=${T}&granularity=minute&group=sms`)).json().conversations).toEqual([]);
    expect((await get('/v1/metrics/late_events/conversations?from=0&to=1')).statusCode).toBe(400);
  });

  it('lists the catalogue, the alerts, and documents the routes in /openapi.json', async () => {
    const cat = (await get('/v1/metrics')).json();
    expect(cat.kpis.map((k: { kpi: string }) => k.kpi)).toEqual(KPI_NAMES);
    expect((await get('/v1/alerts')).json()).toEqual({ rules: [], firing });
    const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    for (const p of ['/v1/metrics/{kpi}', '/v1/metrics/{kpi}/conversations', '/v1/alerts']) expect(Object.keys(spec.paths)).toContain(p);
    expect(Object.keys(spec.paths['/v1/metrics/{kpi}'].get.responses['200'].content)).toEqual(['application/json', 'application/vnd.apache.arrow.stream']);
  });
});

describe('GET /v1/board', () => {
  it('keeps its fields and adds the KPI tiles and firing alerts', async () => {
    const snap = (await get('/v1/board?minutes=60')).json();
    expect(Object.keys(snap)).toEqual(['generated_at', 'window_minutes', 'time_zone', 'totals', 'channels', 'series', 'kpis', 'alerts']);
    expect(snap.time_zone).toBe('Asia/Shanghai');
    expect(snap.kpis).toMatchObject({
      window_minutes: 60,
      inquiries: 15,
      opportunities: 10,
      inquiry_to_opportunity: 10 / 15,
      csat_avg: 4,
      csat_satisfied_share: 1,
      nps: null,
      response_p50_ms: 90_000,
      response_p90_ms: 90_000,
      queue_length: null,
      agent_load: null,
    });
    expect(snap.alerts).toEqual(firing);
  });
});
