import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestService } from '../../ingest/ingest-service.js';
import type { EventEnvelope } from '../../shared/envelope.js';
import { silentLogger } from '../../shared/logger.js';
import type { CrmOpportunity } from '../../stream/crm/crm-port.js';
import { EmbeddedCrm } from '../../stream/crm/embedded-crm.js';
import { RoutingDesk } from '../../stream/routing/routing-desk.js';
import { RoutingService } from '../../stream/routing/routing-service.js';
import { DuckDbWarehouse } from '../../warehouse/duckdb/duckdb-warehouse.js';
import { buildTestApp, requestAs } from '../../test/support/app.js';
import { conversationEvent } from '../../test/support/events.js';
import { routeTestBed, testRouting } from '../../test/support/routing.js';

/** A CRM that refuses the next N writes (as an adapter does once its own retries are spent). */
class FlakyCrm extends EmbeddedCrm {
  failures = 0;
  writes: CrmOpportunity[] = [];
  override async upsertOpportunity(o: CrmOpportunity) {
    this.writes.push(o);
    if (this.failures > 0) {
      this.failures--;
      throw new Error('CRM did not take opportunity after 4 attempts: CRM answered 503');
    }
    return super.upsertOpportunity(o);
  }
}

/** POST /v1/conversations/{id}/opportunity through app.inject: the event once, the CRM upsert, scoping, 409. */
describe('qualify a conversation as an opportunity', () => {
  const bed = routeTestBed('opp', Date.UTC(2026, 0, 5, 3, 0));
  const { clock, roster, state, bus, key } = bed;
  const crm = new FlakyCrm();
  const published: EventEnvelope[] = [];
  let warehouse: DuckDbWarehouse;
  let desk: RoutingDesk;
  let service: RoutingService;
  let app: FastifyInstance;
  const req = requestAs(() => app);
  const qualify = (id: string, k: string, body: unknown = {}) => req('POST', `/v1/conversations/${id}/opportunity`, k, body);
  const opps = () => published.filter((e) => e.type === 'opportunity.created');
  const started = (id: string, text: string): EventEnvelope =>
    conversationEvent(`start-${id}`, clock.now(), id, 'conversation.started', { text, tag: 'normal' });
  /** Triages a conversation and has the first roster agent of its group accept it; returns that agent. */
  const openWith = async (id: string, text: string): Promise<string> => {
    const group = await service.intake(started(id, text));
    const agent = roster.agents.find((a) => a.role === 'agent' && a.groups.includes(group!))!.id;
    expect((await req('POST', `/v1/console/conversations/${id}/accept`, key(agent))).status).toBe(200);
    return agent;
  };

  beforeAll(async () => {
    const opened = await bed.open();
    warehouse = opened.warehouse;
    const publish = bus.publish.bind(bus);
    bus.publish = async (topic, records) => {
      if (topic === 'omnilane.events') for (const r of records) published.push(JSON.parse(String(r.value)) as EventEnvelope);
      return publish(topic, records);
    };
    ({ desk, service } = testRouting({ state, bus, clock, roster, warehouse }));
    const ingest = new IngestService({ bus, state, clock, log: silentLogger(), dedupTtlMs: 86_400_000 });
    app = await buildTestApp({ warehouse, clock, access: opened.keys.access }, { ingest, routing: desk, workbench: { crm, sessionExpiryMs: 3_600_000 } });
  });
  afterAll(() => bed.close(app));

  it('is documented in /openapi.json', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, unknown> }>();
    expect(doc.paths['/v1/conversations/{id}/opportunity']).toBeDefined();
  });

  it('emits opportunity.created once and creates, then updates, the CRM opportunity', async () => {
    const agent = await openWith('c-buy', 'I want to buy the premium plan, how much is it?');
    const first = await qualify('c-buy', key(agent), { value: 9800, product: '企业版年度订阅' });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      opportunity: {
        id: 'opp:c-buy',
        customer_id: 'cus_c-buy',
        conversation_id: 'c-buy',
        stage: 'qualified',
        intent: 'purchase',
        value: 9800,
        currency: 'CNY',
        product: '企业版年度订阅',
        owner_agent: agent,
      },
      created: true,
      event: 'accepted',
    });
    // A retry, then a later stage: the CRM opportunity is updated, the event stays one.
    expect((await qualify('c-buy', key(agent), { value: 9800, product: '企业版年度订阅' })).body).toMatchObject({ created: false, event: 'duplicate' });
    expect((await qualify('c-buy', key(agent), { value: 12000, stage: 'proposal' })).body).toMatchObject({
      opportunity: { stage: 'proposal', value: 12000 },
      created: false,
      event: 'duplicate',
    });

    expect(opps()).toHaveLength(1);
    const [e] = opps();
    // Ingest keys it as it keys every event (no identity service here: by the external id), not by the test's made-up key.
    expect(e).toMatchObject({
      id: 'opp:c-buy',
      producer: 'routing',
      conversation_id: 'c-buy',
      agent_id: agent,
      customer_key: 'ext:c-buy',
      customer: { external_id: 'c-buy' },
    });
    expect(e.properties).toMatchObject({
      value: 9800,
      product: '企业版年度订阅',
      intent: 'purchase',
      opportunity_id: 'opp:c-buy',
      group: 'pre_sale',
      tag: 'normal',
    });
    expect(e.properties.team).toBe(roster.agents.find((a) => a.id === agent)!.team);

    const inCrm = await crm.opportunities({ customer_id: 'cus_c-buy', external_id: 'c-buy', identifiers: [] });
    expect(inCrm).toEqual([expect.objectContaining({ id: 'opp:c-buy', stage: 'proposal', value: 12000 })]);
  });

  it('scopes: other agents do not see it, a manager of the team may qualify it, other managers not', async () => {
    const owner = (await desk.store.conv('c-buy'))!.agent;
    const other = roster.agents.find((a) => a.role === 'agent' && a.id !== owner && a.groups.includes('pre_sale'))!.id;
    expect((await qualify('c-buy', key(other))).body).toMatchObject({ code: 'API_ERR_NOT_FOUND' });
    const team = roster.agents.find((a) => a.id === owner)!.team;
    const mgr = roster.agents.find((a) => a.role === 'manager' && a.manages.includes(team))!.id;
    const otherMgr = roster.agents.find((a) => a.role === 'manager' && !a.manages.includes(team))!.id;
    expect((await qualify('c-buy', key(otherMgr))).status).toBe(404);
    expect((await qualify('c-buy', key(mgr))).body).toMatchObject({ opportunity: { owner_agent: owner }, event: 'duplicate' });
    expect(opps()).toHaveLength(1);
    expect((await app.inject({ method: 'POST', url: '/v1/conversations/c-buy/opportunity', payload: {} })).statusCode).toBe(401);
  });

  it('answers 409 API_ERR_NOT_SALES_CONVERSATION for a complaint, and writes nothing', async () => {
    const agent = await openWith('c-angry', 'This is terrible service, I want to file a complaint about your staff');
    expect((await desk.meta.get('c-angry'))!.intent).toBe('complaint');
    const writes = crm.writes.length;
    expect(await qualify('c-angry', key(agent))).toMatchObject({ status: 409, body: { code: 'API_ERR_NOT_SALES_CONVERSATION' } });
    expect(crm.writes.length).toBe(writes);
    expect(opps().filter((e) => e.conversation_id === 'c-angry')).toEqual([]);
  });

  it('rejects a bad body by schema', async () => {
    const owner = (await desk.store.conv('c-buy'))!.agent;
    expect((await qualify('c-buy', key(owner), { value: -1 })).status).toBe(400);
    expect((await qualify('c-buy', key(owner), { stage: 'dreaming' })).status).toBe(400);
    expect((await qualify('c-buy', key(owner), { currency: 'yuan' })).status).toBe(400);
  });

  it('answers 503 API_ERR_CRM_UNAVAILABLE when the CRM fails, and the retry writes it with the event still once', async () => {
    const agent = await openWith('c-price', 'How much does the Pro plan cost per year?');
    crm.failures = 1;
    expect(await qualify('c-price', key(agent), { value: 500 })).toMatchObject({ status: 503, body: { code: 'API_ERR_CRM_UNAVAILABLE' } });
    expect(opps().filter((e) => e.conversation_id === 'c-price')).toHaveLength(1);
    expect(await qualify('c-price', key(agent), { value: 500 })).toMatchObject({ status: 200, body: { created: true, event: 'duplicate' } });
    expect(opps().filter((e) => e.conversation_id === 'c-price')).toHaveLength(1);
  });
});
