import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestService } from '../../ingest/ingest-service.js';
import { manualClock } from '../../shared/clock.js';
import type { EventEnvelope } from '../../shared/envelope.js';
import { silentLogger } from '../../shared/logger.js';
import { InProcessBus } from '../../stream/bus/in-process-bus.js';
import { loadRoster } from '../../stream/routing/roster.js';
import { MemoryStateStore } from '../../stream/state/memory-state-store.js';
import { DuckDbWarehouse } from '../../warehouse/duckdb/duckdb-warehouse.js';
import { buildTestApp } from '../../test/support/app.js';
import { composeExperiments } from '../../cli/compose-api.js';
import { rosterAccess } from '../../test/support/access.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);

/** The experiment routes through app.inject: roles, validation, frozen assignment, the exposure hook, the report. */
describe('experiments API', () => {
  const dir = mkdtempSync(join(tmpdir(), 'omnilane-exp-'));
  const clock = manualClock(T0 + DAY);
  const state = new MemoryStateStore({ clock });
  const bus = new InProcessBus({ clock });
  const published: EventEnvelope[] = [];
  let warehouse: DuckDbWarehouse;
  let app: FastifyInstance;
  let keys: Awaited<ReturnType<typeof rosterAccess>>;
  const manager = () => keys.key('mgr_lin');
  const agent = () => keys.key('ag_wang');
  const viewer = () => keys.analyst;
  const req = async (method: 'GET' | 'POST', url: string, k: string, payload?: unknown) => {
    const r = await app.inject({ method, url, headers: { authorization: `Bearer ${k}` }, ...(payload ? { payload } : {}) });
    return { status: r.statusCode, body: r.json<Record<string, any>>() };
  };
  const def = {
    id: 'warm-script',
    name: '报价话术：热情版 vs 原版',
    target: 'reply_script',
    primary_metric: 'deal_rate',
    variants: [
      { id: 'control', weight: 1, config: { script: 'price-v1' } },
      { id: 'warm', weight: 1, config: { script: 'price-warm' } },
    ],
    started_at: new Date(T0).toISOString(),
  };

  beforeAll(async () => {
    warehouse = await DuckDbWarehouse.open(':memory:');
    await warehouse.migrate();
    await bus.ensureTopic('omnilane.events', 2);
    const publish = bus.publish.bind(bus);
    bus.publish = async (topic, records) => {
      if (topic === 'omnilane.events') for (const r of records) published.push(JSON.parse(String(r.value)) as EventEnvelope);
      return publish(topic, records);
    };
    keys = await rosterAccess(loadRoster(undefined).agents);
    const ingest = new IngestService({ bus, state, clock, log: silentLogger(), dedupTtlMs: DAY });
    app = await buildTestApp({ warehouse, clock, access: keys.access }, { ingest, experiments: composeExperiments({ warehouse, clock, ingest, state }) });
  });
  afterAll(async () => {
    await app.close();
    await bus.close();
    await warehouse.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets managers define experiments, not viewers or agents, and never shows the salt', async () => {
    expect((await req('POST', '/v1/experiments', agent(), def)).status).toBe(403);
    const created = await req('POST', '/v1/experiments', manager(), def);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'warm-script', status: 'running', alpha: 0.05, started_at: new Date(T0).toISOString() });
    expect(created.body.salt).toBeUndefined();
    const renamed = await req('POST', '/v1/experiments', manager(), { ...def, name: 'renamed 改名' });
    expect([renamed.status, renamed.body.name]).toEqual([200, 'renamed 改名']);
    const list = await req('GET', '/v1/experiments', viewer());
    expect(list.body.experiments.map((e: { id: string }) => e.id)).toEqual(['warm-script']);
  });

  it('refuses bad definitions and changes that would move customers between arms', async () => {
    const bad = await req('POST', '/v1/experiments', manager(), { ...def, variants: [def.variants[0]] });
    expect([bad.status, bad.body.code]).toEqual([400, 'EXP_ERR_INVALID']);
    const moved = await req('POST', '/v1/experiments', manager(), { ...def, variants: [def.variants[0], { ...def.variants[1], weight: 3 }] });
    expect([moved.status, moved.body.code]).toEqual([409, 'EXP_ERR_IMMUTABLE']);
    const missing = await req('GET', '/v1/experiments/nope/report', viewer());
    expect([missing.status, missing.body.code]).toEqual([404, 'EXP_ERR_NOT_FOUND']);
  });

  it('assigns through the hook, logs experiment.exposed once per customer, and reports per variant', async () => {
    const variants = new Map<string, string>();
    for (let i = 0; i < 60; i++) {
      const key = `ext:cust-${i}`;
      const a = await req('POST', '/v1/experiments/assign', agent(), { target: 'reply_script', customer_key: key, channel: i % 2 ? 'wechat' : 'web' });
      expect(a.body).toMatchObject({ experiment_id: 'warm-script', first_exposure: true });
      variants.set(key, a.body.variant);
      const again = await req('POST', '/v1/experiments/assign', agent(), { target: 'reply_script', customer_key: key, channel: 'sms' });
      expect(again.body).toMatchObject({ variant: a.body.variant, first_exposure: false });
    }
    expect((await req('POST', '/v1/experiments/assign', agent(), { target: 'bot', customer_key: 'ext:x', channel: 'web' })).body.experiment_id).toBeNull();
    const exposures = published.filter((e) => e.type === 'experiment.exposed');
    expect(exposures).toHaveLength(60);
    expect(new Set(exposures.map((e) => e.customer_key)).size).toBe(60);
    // What the stream worker would write, plus deals for a third of the customers.
    const rows = exposures.map((e) => ({ ...e, customer: JSON.stringify(e.customer), properties: JSON.stringify(e.properties) }));
    const deals = [...variants.keys()]
      .filter((_, i) => i % 3 === 0)
      .map((key, i) => ({
        producer: 'test',
        id: `deal-${i}`,
        type: 'deal.won',
        channel: 'web',
        occurred_at: T0 + DAY + 3600_000,
        received_at: T0 + DAY + 3600_000,
        customer_key: key,
        conversation_id: null,
        agent_id: null,
        customer: '{}',
        properties: JSON.stringify({ value: 100 }),
      }));
    await warehouse.append('events', [...rows, ...deals]);
    clock.set(T0 + 2 * DAY);
    const r = await req('GET', '/v1/experiments/warm-script/report', viewer());
    expect(r.status).toBe(200);
    expect(r.body.units.reduce((s: number, u: { n: number }) => s + u.n, 0)).toBe(60);
    const dealRate = r.body.metrics.find((m: { metric: string }) => m.metric === 'deal_rate');
    const arms = Object.fromEntries(dealRate.arms.map((a: { variant: string; n: number; mean: number }) => [a.variant, a]));
    const expected = (v: string) =>
      [...variants].filter(([k, x], i) => x === v && i % 3 === 0 && k).length / [...variants.values()].filter((x) => x === v).length;
    expect(arms.control.mean).toBeCloseTo(expected('control'), 12);
    expect(arms.warm.mean).toBeCloseTo(expected('warm'), 12);
    expect(r.body.decision.call).toBe('keep_running');
    expect(r.body.timeline.length).toBeGreaterThan(0);
  });

  it('answers insights and documents every route in /openapi.json', async () => {
    const r = await req('GET', '/v1/insights', viewer());
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ step: 'deal', alpha: 0.05 });
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, unknown> }>();
    for (const p of ['/v1/experiments', '/v1/experiments/{id}', '/v1/experiments/{id}/report', '/v1/experiments/assign', '/v1/insights'])
      expect(doc.paths[p], p).toBeDefined();
  });
});
