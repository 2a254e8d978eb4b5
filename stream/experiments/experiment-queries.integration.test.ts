import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireEngine, uniqueName } from '../../test/contracts/engines.js';
import type { Warehouse } from '../../shared/ports/warehouse.js';
import type { EventRow } from '../../shared/tables.js';
import { ClickHouseWarehouse } from '../../warehouse/clickhouse/clickhouse-warehouse.js';
import { DuckDbWarehouse } from '../../warehouse/duckdb/duckdb-warehouse.js';
import { parseExperiment } from './definition.js';
import { ExperimentStore, loadUnits } from './experiment-store.js';
import { loadInsights } from '../insights/insights-service.js';

const T = Date.UTC(2026, 10, 2, 8, 0);
const MIN = 60_000;
let seq = 0;
const ev = (key: string, type: string, at: number, properties: Record<string, unknown> = {}, channel = 'web'): EventRow => ({
  producer: 'test',
  id: `e${seq++}`,
  type,
  channel,
  occurred_at: at,
  received_at: at,
  customer_key: key,
  conversation_id: `conv-${key}`,
  agent_id: null,
  customer: '{}',
  properties: JSON.stringify(properties),
});
const exposed = (key: string, at: number, variant: string, experiment = 'exp1') => ev(key, 'experiment.exposed', at, { experiment_id: experiment, variant });

/** Known events: outcomes before and after the exposure, a second exposure, another experiment. */
async function fill(wh: Warehouse): Promise<void> {
  await wh.migrate();
  await wh.append('events', [
    // a: exposed to control, then asks, gets a reply after 90 s, an opportunity, a deal of 500, CSAT 4.
    ev('ext:a', 'opportunity.created', T - 10 * MIN), // before the exposure: not counted
    exposed('ext:a', T, 'control'),
    exposed('ext:a', T + 5 * MIN, 'treat'), // a later exposure does not move the customer
    ev('ext:a', 'message.received', T + MIN),
    ev('ext:a', 'message.sent', T + MIN + 90_000),
    ev('ext:a', 'opportunity.created', T + 30 * MIN),
    ev('ext:a', 'deal.won', T + 60 * MIN, { value: 500 }),
    ev('ext:a', 'deal.won', T + 90 * MIN, { value: 900 }),
    ev('ext:a', 'csat.submitted', T + 70 * MIN, { score: 4 }),
    // b: treated, asks and never hears back, nothing else.
    exposed('ext:b', T + 2 * MIN, 'treat'),
    ev('ext:b', 'message.sent', T + 2 * MIN), // a message before the question is not a reply
    ev('ext:b', 'message.received', T + 3 * MIN),
    // c: in another experiment only.
    exposed('ext:c', T, 'control', 'exp2'),
    ev('ext:c', 'deal.won', T + MIN, { value: 10 }),
  ]);
  const dealRow = (id: string, agent: string, cycle: number, version = 1) => ({
    deal_id: id,
    customer_key: `k-${id}`,
    conversation_id: `conv-${id}`,
    won_at: T,
    value: 1,
    first_touch_at: T - cycle,
    cycle_ms: cycle,
    channel: 'web',
    source: '',
    team: 'east',
    agent,
    tag: '',
    version,
  });
  await wh.append('deal_facts', [dealRow('d1', 'li', 1000), dealRow('d2', 'wang', 5000), dealRow('d3', '', 10)]);
  await wh.append('deal_facts', [dealRow('d1', 'li', 2000, 2)]);
}

describe('experiment and insight queries agree on DuckDB and ClickHouse 18.16', () => {
  const warehouses: Array<[string, Warehouse]> = [];
  let chDb = '';
  beforeAll(async () => {
    chDb = uniqueName('exp');
    warehouses.push(
      ['duckdb', await DuckDbWarehouse.open(':memory:')],
      ['clickhouse', new ClickHouseWarehouse({ url: requireEngine('clickhouse').clickhouseUrl, database: chDb })],
    );
    for (const [, wh] of warehouses) await fill(wh);
  }, 60_000);
  afterAll(async () => {
    for (const [, wh] of warehouses) await wh.close().catch(() => undefined);
    const admin = new ClickHouseWarehouse({ url: requireEngine('clickhouse').clickhouseUrl });
    await admin.command(`DROP DATABASE IF EXISTS ${chDb}`).catch(() => undefined);
    await admin.close();
  });

  it('experiment_units: first exposure, first outcomes after it, 0-free nulls', async () => {
    const r = parseExperiment(
      {
        id: 'exp1',
        name: 'e',
        target: 'bot',
        primary_metric: 'deal_rate',
        variants: [
          { id: 'control', weight: 1, config: { enabled: false } },
          { id: 'treat', weight: 1, config: { enabled: true } },
        ],
        started_at: new Date(T - 3600_000).toISOString(),
      },
      { salt: 'salt-salt', now: T },
    );
    if (!r.ok) throw new Error(r.message);
    const answers = [];
    for (const [, wh] of warehouses) answers.push(await loadUnits(wh, r.definition, T + 86_400_000));
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[0]).toEqual([
      {
        customer_key: 'ext:a',
        variant: 'control',
        exposed_at: T,
        opportunity_at: T + 30 * MIN,
        deal_at: T + 60 * MIN,
        deal_value: 500,
        csat_at: T + 70 * MIN,
        csat_score: 4,
        asked_at: T + MIN,
        replied_at: T + MIN + 90_000,
      },
      {
        customer_key: 'ext:b',
        variant: 'treat',
        exposed_at: T + 2 * MIN,
        opportunity_at: null,
        deal_at: null,
        deal_value: 0,
        csat_at: null,
        csat_score: null,
        asked_at: T + 3 * MIN,
        replied_at: null,
      },
    ]);
  });

  it('experiments: the newest saved definition per id', async () => {
    for (const [, wh] of warehouses) {
      let now = T;
      const store = new ExperimentStore(wh, { now: () => now, cacheMs: 0 });
      const r = parseExperiment(
        {
          id: 'exp9',
          name: 'first',
          target: 'routing_policy',
          primary_metric: 'first_response',
          variants: [
            { id: 'a', weight: 1, config: { policy: 'least_loaded' } },
            { id: 'b', weight: 1, config: { policy: 'predictive' } },
          ],
        },
        { salt: 'salt-salt', now: T },
      );
      if (!r.ok) throw new Error(r.message);
      await store.save(r.definition);
      now += 1000;
      await store.save({ ...r.definition, name: '第二版', status: 'stopped' });
      const got = await store.get('exp9');
      expect(got).toMatchObject({ name: '第二版', status: 'stopped', variants: r.definition.variants });
    }
  });

  it('insight_deal_cycles and the funnel feed the insights the same on both', async () => {
    const answers = [];
    for (const [, wh] of warehouses) answers.push(await loadInsights(wh, { fromMs: T - 86_400_000, toMs: T + 86_400_000, step: 'deal' }));
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[0].agents.map((a) => [a.agent, a.deals, a.median_cycle_ms])).toEqual([
      ['li', 1, 2000],
      ['wang', 1, 5000],
    ]);
  });
});
