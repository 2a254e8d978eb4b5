import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireEngine, uniqueName } from '../../test/contracts/engines.js';
import type { Warehouse } from '../../shared/ports/warehouse.js';
import { COUNTER_NAMES } from '../../stream/kpis/counters.js';
import { ClickHouseWarehouse } from '../../warehouse/clickhouse/clickhouse-warehouse.js';
import { DuckDbWarehouse } from '../../warehouse/duckdb/duckdb-warehouse.js';
import type { ConversationFactsRow, KpiMinuteRow } from '../../shared/tables.js';
import { KpiService, type KpiPoint } from './kpi-service.js';

// 2025-03-03 00:00 in Asia/Shanghai is 2025-03-02T16:00Z; in Asia/Kolkata hours start at :30 UTC.
const SH_MIDNIGHT = Date.UTC(2025, 2, 2, 16, 0);
const T = Date.UTC(2025, 2, 3, 3, 30); // 09:00 Kolkata, 11:30 Shanghai
const dims = (channel: string, team = 'east', agent = 'a1', tag = 'VIP', source = 'baidu') => ({ channel, source, team, agent, tag });
const zero = Object.fromEntries(COUNTER_NAMES.map((n) => [n, 0])) as Record<(typeof COUNTER_NAMES)[number], number>;
const minuteRow = (p: number, minute: number, d: ReturnType<typeof dims>, version: number, c: Partial<typeof zero>): KpiMinuteRow => ({
  bus_partition: p,
  batch_offset: 0,
  minute,
  ...d,
  version,
  ...zero,
  ...c,
});
const conv = (id: string, started: number, d: ReturnType<typeof dims>, version: number, over: Partial<ConversationFactsRow> = {}): ConversationFactsRow => ({
  conversation_id: id,
  customer_key: `k-${id}`,
  ...d,
  started_at: started,
  last_event_at: started + 60_000,
  first_response_at: null,
  first_response_ms: null,
  assigned_at: null,
  wait_ms: null,
  sla_due_at: null,
  sla_met: null,
  closed_at: null,
  duration_ms: 60_000,
  outcome: '',
  messages_in: 1,
  messages_out: 0,
  complaint: 0,
  csat: null,
  nps: null,
  version,
  ...over,
});

/** Known rows: two versions of one batch's key (the newer must win), three bus partitions, a time-zone edge. */
async function fill(wh: Warehouse): Promise<void> {
  await wh.migrate();
  const rows = <R>(xs: R[]): R[] => xs;
  await wh.append(
    'kpi_minute_contrib',
    rows([
      minuteRow(0, T, dims('web'), 1, { inquiries: 9, opportunities: 9 }),
      minuteRow(1, T, dims('web'), 1, {
        inquiries: 2,
        opportunities: 1,
        deals: 1,
        deal_value: 1000.5,
        csat_count: 2,
        csat_sum: 9,
        csat_satisfied: 2,
        nps_count: 4,
        nps_promoters: 3,
        nps_detractors: 1,
        complaints: 1,
        sla_total: 2,
        sla_met: 1,
      }),
      minuteRow(2, T + 60_000, dims('sms', 'north', 'a2', 'normal', ''), 1, {
        inquiries: 1,
        csat_count: 1,
        csat_sum: 2,
        nps_count: 1,
        nps_detractors: 1,
        sla_total: 1,
      }),
      // Before Shanghai's midnight: the previous local day.
      minuteRow(0, SH_MIDNIGHT - 60_000, dims('web'), 1, { inquiries: 5 }),
    ]),
  );
  // A retried write of partition 0's batch (newer version, same key) replaces the older one (not added to it).
  await wh.append('kpi_minute_contrib', rows([minuteRow(0, T, dims('web'), 2, { inquiries: 3, opportunities: 2, deals: 1, deal_value: 499.5 })]));
  const frs = [1000, 2000, 3000, 4000, 50_000];
  await wh.append(
    'conversation_facts',
    rows([
      ...frs.map((fr, i) =>
        conv(`c${i}`, T + i * 1000, dims('web'), 2, {
          first_response_ms: fr,
          first_response_at: T + i * 1000 + fr,
          closed_at: T + 600_000,
          duration_ms: 600_000 + i,
          assigned_at: T + 5000,
          wait_ms: 5000 * (i + 1),
          outcome: i === 0 ? 'deal' : 'opportunity',
        }),
      ),
      conv('c9', T + 30 * 60_000, dims('sms', 'north', 'a2', 'normal', ''), 1, { first_response_ms: 7000 }),
    ]),
  );
  // An older version of c0 with another first response loses to version 2.
  await wh.append('conversation_facts', rows([conv('c0', T, dims('web'), 1, { first_response_ms: 999_999 })]));
  await wh.append(
    'response_times',
    rows([
      { conversation_id: 'c1', reply_id: 'r1', replied_at: T + 10_000, inbound_at: T, response_ms: 10_000, ...dims('web'), version: 1 },
      { conversation_id: 'c1', reply_id: 'r2', replied_at: T + 20_000, inbound_at: T + 15_000, response_ms: 5000, ...dims('web'), version: 1 },
      { conversation_id: 'c1', reply_id: 'r2', replied_at: T + 20_000, inbound_at: T + 20_000, response_ms: -1, ...dims('web'), version: 2 },
    ]),
  );
  await wh.append(
    'deal_facts',
    rows([
      {
        deal_id: 'd1',
        customer_key: 'k-c0',
        conversation_id: 'c0',
        won_at: T + 90_000,
        value: 1000.5,
        first_touch_at: T - 86_400_000,
        cycle_ms: 86_400_000 + 90_000,
        ...dims('web'),
        version: 1,
      },
    ]),
  );
  await wh.append(
    'late_events',
    rows([
      {
        producer: 'p',
        id: 'l1',
        bus_partition: 0,
        type: 'message.received',
        channel: 'web',
        occurred_at: T,
        received_at: T + 900_000,
        window_start: T,
        watermark: T + 800_000,
        late_by_ms: 1,
        recorded_at: T + 900_000,
      },
      {
        producer: 'p',
        id: 'l2',
        bus_partition: 3,
        type: 'deal.won',
        channel: 'sms',
        occurred_at: T,
        received_at: T + 900_000,
        window_start: T,
        watermark: T + 800_000,
        late_by_ms: 1,
        recorded_at: T + 900_000,
      },
    ]),
  );
  const gauge = (at: number, kind: 'queue' | 'agent', name: string, size: number, capacity = 0, team = '') => ({
    sampled_at: at,
    kind,
    name,
    team,
    size,
    capacity,
    oldest_wait_ms: 0,
  });
  await wh.append(
    'routing_gauges',
    rows([
      gauge(T, 'queue', 'pre_sale', 4),
      gauge(T, 'queue', 'support', 2),
      gauge(T + 10_000, 'queue', 'pre_sale', 1),
      gauge(T, 'agent', 'a1', 3, 5, 'east'),
      gauge(T, 'agent', 'a2', 1, 5, 'north'),
      gauge(T + 10_000, 'agent', 'a1', 5, 5, 'east'),
    ]),
  );
}

const HOUR = { from: T - 3 * 3600_000, to: T + 3 * 3600_000, granularity: 'hour' as const };
const strip = (ps: KpiPoint[]) => ps.map((p) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== null)));

describe('KPI named queries on DuckDB and ClickHouse (known rows, exact numbers)', () => {
  const services: Array<[string, KpiService, KpiService]> = [];
  const closers: Array<() => Promise<void>> = [];
  let chDb = '';
  beforeAll(async () => {
    const duck = await DuckDbWarehouse.open(':memory:');
    chDb = uniqueName('kpi');
    const ch = new ClickHouseWarehouse({ url: requireEngine('clickhouse').clickhouseUrl, database: chDb });
    closers.push(
      () => duck.close(),
      () => ch.close(),
    );
    for (const [name, wh] of [
      ['duckdb', duck],
      ['clickhouse', ch],
    ] as const) {
      await fill(wh);
      services.push([name, new KpiService(wh, 'Asia/Kolkata'), new KpiService(wh, 'Asia/Shanghai')]);
    }
  }, 60_000);
  afterAll(async () => {
    for (const c of closers) await c().catch(() => undefined);
    const admin = new ClickHouseWarehouse({ url: requireEngine('clickhouse').clickhouseUrl });
    await admin.command(`DROP DATABASE IF EXISTS ${chDb}`).catch(() => undefined);
    await admin.close();
  });

  /** Runs the same request on both warehouses, checks they agree, returns the answer. */
  const both = async <R>(run: (kolkata: KpiService, shanghai: KpiService) => Promise<R>): Promise<R> => {
    const [a, b] = [await run(services[0][1], services[0][2]), await run(services[1][1], services[1][2])];
    expect(b).toEqual(a);
    return a;
  };

  it('sums the newest kpi_minute version over bus partitions, in Kolkata hours (:30 UTC)', async () => {
    const s = await both((k) => k.series('inquiries', { ...HOUR, group_by: 'channel', filters: {} }));
    expect(strip(s.series)).toEqual([
      { bucket: '2025-03-03T03:30:00.000Z', group: 'sms', channel: 'sms', value: 1 },
      { bucket: '2025-03-03T03:30:00.000Z', group: 'web', channel: 'web', value: 5 },
    ]);
    const ratio = await both((k) => k.series('inquiry_to_opportunity', { ...HOUR, group_by: 'none', filters: { channel: 'web' } }));
    expect(ratio.series).toEqual([{ bucket: '2025-03-03T03:30:00.000Z', group: null, channel: 'web', value: 3 / 5, numerator: 3, denominator: 5 }]);
  });

  it('aligns days to Asia/Shanghai midnight', async () => {
    const s = await both((_k, sh) =>
      sh.series('inquiries', { from: SH_MIDNIGHT - 86_400_000, to: SH_MIDNIGHT + 86_400_000, granularity: 'day', group_by: 'none', filters: {} }),
    );
    expect(s.series.map((p: KpiPoint) => [p.bucket, p.value])).toEqual([
      ['2025-03-01T16:00:00.000Z', 5],
      ['2025-03-02T16:00:00.000Z', 6],
    ]);
    expect(s.time_zone).toBe('Asia/Shanghai');
  });

  it('computes every counter KPI exactly', async () => {
    const w = (kpi: Parameters<KpiService['window']>[0], filters = {}) => both((k) => k.window(kpi, T, T + 120_000, filters));
    expect((await w('deals'))[0]).toMatchObject({ value: 2, value_sum: 1500 });
    expect((await w('opportunity_to_deal'))[0]).toMatchObject({ value: 2 / 3, numerator: 2, denominator: 3 });
    expect((await w('csat'))[0]).toMatchObject({ value: 11 / 3, count: 3, satisfied_share: 2 / 3 });
    expect((await w('nps'))[0]).toMatchObject({ value: (100 * (3 - 2)) / 5, count: 5, promoters: 3, detractors: 2 });
    expect((await w('complaint_rate'))[0]).toMatchObject({ value: 1 / 6, numerator: 1, denominator: 6 });
    expect((await w('sla_attainment'))[0]).toMatchObject({ value: 1 / 3, numerator: 1, denominator: 3 });
    expect((await w('sla_attainment', { team: 'north' }))[0]).toMatchObject({ value: 0, numerator: 0, denominator: 1 });
    expect(await w('inquiries', { tag: 'nobody' })).toEqual([]);
  });

  it('computes averages and quantile_disc percentiles from the newest fact versions', async () => {
    const fr = await both((k) => k.series('first_response', { ...HOUR, group_by: 'channel', filters: {} }));
    // web: 1000, 2000, 3000, 4000, 50000 (version 1's 999999 lost): p50 = rank 3, p90 = rank 5.
    expect(fr.series).toEqual([
      { bucket: '2025-03-03T03:30:00.000Z', group: 'sms', channel: 'sms', value: 7000, count: 1, p50_ms: 7000, p90_ms: 7000 },
      { bucket: '2025-03-03T03:30:00.000Z', group: 'web', channel: 'web', value: 12_000, count: 5, p50_ms: 3000, p90_ms: 50_000 },
    ]);
    const rt = await both((k) => k.window('response_time', T, T + 3600_000));
    expect(rt).toEqual([expect.objectContaining({ value: 10_000, count: 1, p50_ms: 10_000, p90_ms: 10_000 })]);
    const qw = await both((k) => k.window('queue_wait', T, T + 3600_000, { agent: 'a1' }));
    expect(qw[0]).toMatchObject({ value: 15_000, count: 5, p50_ms: 15_000, p90_ms: 25_000 });
    const sd = await both((k) => k.window('session_duration', T, T + 3600_000));
    expect(sd[0]).toMatchObject({ value: 600_002, count: 5, p50_ms: 600_002, p90_ms: 600_004 });
    const dc = await both((k) => k.window('deal_cycle', T, T + 3600_000));
    expect(dc[0]).toMatchObject({ value: 86_490_000, count: 1 });
  });

  it('averages routing gauges per sample time, and counts late events once', async () => {
    const q = await both((k) => k.window('queue_length', T, T + 60_000));
    expect(q[0]).toMatchObject({ value: (6 + 1) / 2, max: 6 });
    const byGroup = await both((k) => k.window('queue_length', T, T + 60_000, {}, 'group'));
    expect(byGroup.map((p: KpiPoint) => [p.group, p.value])).toEqual([
      ['pre_sale', 2.5],
      ['support', 2],
    ]);
    const load = await both((k) => k.window('agent_load', T, T + 60_000));
    expect(load[0]).toMatchObject({ value: 9 / 15, open_avg: 4.5, capacity: 7.5 });
    const late = await both((k) => k.window('late_events', T, T + 60_000, {}, 'channel'));
    expect(late.map((p: KpiPoint) => [p.group, p.value])).toEqual([
      ['sms', 1],
      ['web', 1],
    ]);
  });

  it('drills into the conversations behind a bucket', async () => {
    const d = await both((k) => k.drill('first_response', T, T + 3600_000, 'channel', 'web', {}));
    expect(d.map((c: { conversation_id: string }) => c.conversation_id)).toEqual(['c4', 'c3', 'c2', 'c1', 'c0']);
    expect(d[4]).toMatchObject({ first_response_ms: 1000, outcome: 'deal', started_at: new Date(T).toISOString(), tag: 'VIP' });
    const deals = await both((k) => k.drill('deals', T, T + 120_000, 'none', null, {}));
    expect(deals.map((c: { conversation_id: string }) => c.conversation_id)).toEqual(['c0']);
  });
});
