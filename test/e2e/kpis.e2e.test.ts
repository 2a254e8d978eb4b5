import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestOmnilane, type TestOmnilane } from '../support/omnilane.js';

/**
 * Event-time KPIs through the whole embedded pipeline: duplicates, an event
 * within the allowed lateness and one beyond it (recorded in late_events and
 * counted all the same); the stream's minutes then equal a batch recount over
 * every raw event, in SQL.
 */
let om: TestOmnilane;
const MIN = 60_000;
const T = Math.floor((Date.now() - 40 * MIN) / MIN) * MIN;
const iso = (t: number) => new Date(t).toISOString();
const dims = { source: 'baidu', team: 'team_east', tag: 'VIP' };
const ev = (id: string, type: string, at: number, extra: Record<string, unknown> = {}, properties: Record<string, unknown> = {}) => ({
  id,
  type,
  channel: 'wechat',
  occurred_at: iso(at),
  customer: { external_id: '客户-1' },
  conversation_id: 'kc-1',
  properties: { ...dims, ...properties },
  ...extra,
});

beforeAll(async () => {
  om = await startTestOmnilane({ KPI_OUT_OF_ORDERNESS_SECONDS: '0', KPI_ALLOWED_LATENESS_SECONDS: '60' });
});
afterAll(async () => {
  await om?.cleanup();
});

type Row = Record<string, string | number>;
const query = (name: string, params: Record<string, unknown>) => om.engines.warehouse.query<Row>(name, params as never);
const numeric = (rows: Row[]) =>
  rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' || /^-?\d+(\.\d+)?$/.test(String(v)) ? Number(v) : v])));

describe('event-time KPIs end to end (embedded)', () => {
  it('counts each event once, late ones too, records the late arrival in late_events, and equals a batch recount', async () => {
    const first = [
      ev('k1', 'conversation.started', T, {}, { text: '你好' }),
      ev('k2', 'message.received', T + 1000, {}, { text: '请问价格？' }),
      ev('k3', 'message.sent', T + 21_000, { agent_id: '王芳' }, { text: '您好！' }),
      ev('k4', 'opportunity.created', T + 2 * MIN, { agent_id: '王芳' }, { value: 8000 }),
      ev('k5', 'deal.won', T + 3 * MIN, { agent_id: '王芳' }, { value: 5000 }),
      ev('k6', 'csat.submitted', T + 4 * MIN, {}, { score: 5 }),
      ev('k7', 'nps.submitted', T + 4 * MIN + 5000, {}, { score: 9 }),
    ];
    for (const batch of [first, first]) expect((await om.post('/v1/events', { events: batch })).status).toBe(202);
    // Moves this partition's watermark to T + 10 min.
    expect((await om.post('/v1/events', { events: [ev('k8', 'message.received', T + 10 * MIN)] })).status).toBe(202);
    await om.drained();
    // Minute T+1 closed for the realtime view at T+3 (end + 60 s): recorded as late, counted. Minute T+9: in time.
    const late = ev('k9', 'message.received', T + MIN + 5000);
    const inTime = ev('k10', 'complaint.filed', T + 9 * MIN + 30_000);
    expect((await om.post('/v1/events', { events: [late, inTime] })).status).toBe(202);
    await om.drained();
    await new Promise((r) => setTimeout(r, 200));

    const range = { from_ms: T - MIN, to_ms: T + 20 * MIN };
    const stream = numeric(await query('kpi_minute_totals', range));
    const batch = numeric(await query('kpi_recount_minutes', range));
    expect(stream).toEqual(batch);
    const total = (k: string) => stream.reduce((a, r) => a + Number(r[k]), 0);
    expect(total('events')).toBe(10); // 10 distinct events, the late one included
    expect(total('inquiries')).toBe(1);
    expect(total('deals')).toBe(1);
    expect(total('deal_value')).toBe(5000);
    expect(total('complaints')).toBe(1);
    expect(total('nps_promoters')).toBe(1);
    expect(stream.find((r) => r.minute_ms === T)).toMatchObject({ channel: 'wechat', source: 'baidu', team: 'team_east', tag: 'VIP', agent: '', inquiries: 1 });

    const lateRows = numeric(await query('late_events_recent', { limit: 10 }));
    expect(lateRows).toEqual([
      expect.objectContaining({ id: 'k9', type: 'message.received', window_start_ms: T + MIN, late_by_ms: T + 10 * MIN - (T + 3 * MIN) }),
    ]);
    expect(om.worker.lateEvents).toBe(1);
    const prom = await (await om.get('/metrics')).text();
    expect(prom).toMatch(/^omnilane_late_events_total 1$/m);
  });
});

describe('customer dimensions stamped at ingest', () => {
  it('counts channel traffic that states no source or tag under the source and tag the customer is known by', async () => {
    const t = T + 15 * MIN;
    const customer = { phone: '+8613900001111' };
    const first = { id: 'd1', type: 'touchpoint', channel: 'ad', occurred_at: iso(t), customer, properties: { source: '抖音', tag: 'high_value' } };
    expect((await om.post('/v1/events', { events: [first] })).status).toBe(202);
    // A webhook-style message: no source, no tag.
    const later = {
      id: 'd2',
      type: 'conversation.started',
      channel: 'whatsapp',
      occurred_at: iso(t + 1000),
      customer,
      conversation_id: 'dc-1',
      properties: { text: 'hi' },
    };
    expect((await om.post('/v1/events', { events: [later] })).status).toBe(202);
    await om.drained();
    await new Promise((r) => setTimeout(r, 200));
    const rows = numeric(await query('kpi_minute_totals', { from_ms: t - MIN, to_ms: t + MIN }));
    expect(rows.find((r) => r.channel === 'whatsapp')).toMatchObject({ source: '抖音', tag: 'high_value', inquiries: 1 });
    expect(rows).toEqual(numeric(await query('kpi_recount_minutes', { from_ms: t - MIN, to_ms: t + MIN })));
  });
});
