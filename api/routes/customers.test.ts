import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../shared/clock.js';
import type { EventEnvelope } from '../../shared/envelope.js';
import type { CrmPort } from '../../stream/crm/crm-port.js';
import { EmbeddedCrm } from '../../stream/crm/embedded-crm.js';
import { HttpCrm } from '../../stream/crm/http-crm.js';
import { IdentityService } from '../../stream/identity/identity-service.js';
import { MemoryStateStore } from '../../stream/state/memory-state-store.js';
import { DuckDbWarehouse } from '../../warehouse/duckdb/duckdb-warehouse.js';
import type { ConversationRow } from '../../shared/tables.js';
import { testAccess } from '../../test/support/access.js';
import { buildTestApp } from '../../test/support/app.js';
import { sessionRow } from '../../test/support/two-customers.js';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const clock = manualClock(NOW);
const keys = await testAccess([
  { id: 'a', role: 'admin', secret: 'admin-secret' },
  { id: 'v', role: 'analyst', secret: 'analyst-secret' },
  { id: 'i', role: 'ingest', secret: 'ingest-secret' },
]);
const auth = (k: string) => ({ authorization: `Bearer ${k}` });
let wh: DuckDbWarehouse;
let state: MemoryStateStore;
let identity: IdentityService;

async function make(crm: CrmPort, withIdentity = true): Promise<FastifyInstance> {
  return buildTestApp(
    { warehouse: wh, clock, access: keys },
    { workbench: { identity: withIdentity ? identity : undefined, crm, sessionExpiryMs: 60 * 60_000 } },
  );
}

const envelope = (id: string, customer: EventEnvelope['customer']): EventEnvelope => ({
  id,
  producer: 'p',
  type: 'message.received',
  channel: 'wechat',
  occurred_at: NOW - 60_000,
  received_at: NOW,
  customer_key: 'x',
  customer,
  conversation_id: null,
  agent_id: null,
  properties: { tag: 'high_value' },
});

const conv = (id: string, over: Partial<ConversationRow>): ConversationRow =>
  sessionRow({ id, customer_id: 'cus_1', started_at: NOW - 10 * 60_000, last_event_at: NOW - 5 * 60_000, ...over });

beforeAll(async () => {
  wh = await DuckDbWarehouse.open(':memory:');
  await wh.migrate();
  state = new MemoryStateStore({ clock });
  identity = new IdentityService({ state, clock, maxSharedCustomers: 3, defaultCountryCode: '86', mergeLog: wh });
  const resolved = await identity.resolve([
    envelope('e1', { channel_ids: { wechat: 'oWx1' }, phone: '13900000000' }),
    envelope('e2', { external_id: 'crm-7', channel_ids: { wechat: 'oWx1' } }),
  ]);
  expect(resolved.map((e) => e.customer_key)).toEqual(['cus_1', 'cus_1']);
  await wh.append(
    'events',
    resolved.map((e) => ({ ...e, customer: JSON.stringify(e.customer), properties: JSON.stringify(e.properties) })),
  );
  await wh.append('conversations', [
    conv('c-open', { priority: 80 }),
    conv('c-urgent', { priority: 150, urgent: 1, channels: '["wechat","voice"]' }),
    conv('c-stale', { last_event_at: NOW - 2 * 3600_000 }),
    conv('c-closed', { status: 'closed' }),
  ]);
});
afterAll(async () => {
  await state?.close();
  await wh?.close();
});

describe('workbench routes', () => {
  it('serves a profile to admins with tags and CRM data; analysts (aggregates only) and ingest keys are refused', async () => {
    const app = await make(
      new EmbeddedCrm({
        'crm-7': {
          fields: { name: '李娜' },
          orders: [{ id: 'SO-1', placed_at: '2026-10-01T00:00:00.000Z', status: 'paid', total: 9800, currency: 'CNY', items: ['企业版'] }],
        },
      }),
    );
    const res = await app.inject({ method: 'GET', url: '/v1/customers/cus_1', headers: auth('admin-secret') });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: 'cus_1',
      external_id: 'crm-7',
      identifiers: ['ext:crm-7', 'phone:+8613900000000', 'wechat:oWx1'],
      tag: 'high_value',
      crm: { status: 'ok', fields: { name: '李娜' } },
    });
    expect((await app.inject({ method: 'GET', url: '/v1/customers/cus_1', headers: auth('ingest-secret') })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/v1/customers/cus_1', headers: auth('analyst-secret') })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/v1/customers/cus_1/merges', headers: auth('analyst-secret') })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/v1/customers/cus_1' })).statusCode).toBe(401);
    expect(
      (await app.inject({ method: 'POST', url: '/v1/customers/cus_1/split', headers: auth('analyst-secret'), payload: { identifiers: ['wechat:oWx1'] } }))
        .statusCode,
    ).toBe(403);
    await app.close();
  });

  it("lists the customer's CRM opportunities in the profile", async () => {
    const crm = new EmbeddedCrm();
    await crm.upsertOpportunity({
      id: 'opp:c-9',
      customer_id: 'cus_1',
      conversation_id: 'c-9',
      stage: 'qualified',
      intent: 'purchase',
      value: 9800,
      currency: 'CNY',
      product: '企业版',
    });
    await crm.upsertOpportunity({ id: 'opp:c-other', customer_id: 'cus_2', conversation_id: 'c-other', stage: 'qualified', intent: 'purchase' });
    const app = await make(crm);
    const res = await app.inject({ method: 'GET', url: '/v1/customers/cus_1', headers: auth('admin-secret') });
    expect(res.json().crm.opportunities).toEqual([
      { id: 'opp:c-9', conversation_id: 'c-9', stage: 'qualified', intent: 'purchase', value: 9800, currency: 'CNY', product: '企业版' },
    ]);
    await app.close();
  });

  it('says the CRM is unavailable or does not know the customer instead of failing the profile', async () => {
    const failing = new HttpCrm({ url: 'http://crm.invalid', fetch: async () => new Response('boom', { status: 502 }) });
    const app = await make(failing);
    expect((await app.inject({ method: 'GET', url: '/v1/customers/cus_1', headers: auth('admin-secret') })).json()).toMatchObject({
      crm: { status: 'unavailable', orders: [] },
    });
    await app.close();
    const asked: string[] = [];
    const unknown = new HttpCrm({
      url: 'http://crm.example/api/',
      fetch: async (u) => (asked.push(u instanceof Request ? u.url : String(u)), new Response('{}', { status: 404 })),
    });
    const app2 = await make(unknown);
    expect((await app2.inject({ method: 'GET', url: '/v1/customers/cus_1', headers: auth('admin-secret') })).json()).toMatchObject({
      crm: { status: 'not_found' },
    });
    expect(asked.sort()).toEqual([
      'http://crm.example/api/customers/crm-7?identifier=ext%3Acrm-7&identifier=phone%3A%2B8613900000000&identifier=wechat%3AoWx1',
      'http://crm.example/api/customers/cus_1/opportunities',
    ]);
    await app2.close();
  });

  it('lists open conversations by priority; stale and closed ones only under closed', async () => {
    const app = await make(new EmbeddedCrm());
    const open = (await app.inject({ method: 'GET', url: '/v1/conversations', headers: auth('admin-secret') })).json<{
      conversations: Array<{ id: string; urgent: boolean; channels: string[] }>;
    }>();
    expect(open.conversations.map((c) => c.id)).toEqual(['c-urgent', 'c-open']);
    expect(open.conversations[0]).toMatchObject({ urgent: true, channels: ['wechat', 'voice'] });
    const closed = (await app.inject({ method: 'GET', url: '/v1/conversations?status=closed', headers: auth('admin-secret') })).json<{
      conversations: Array<{ id: string }>;
    }>();
    expect(closed.conversations.map((c) => c.id).sort()).toEqual(['c-closed', 'c-stale']);
    expect((await app.inject({ method: 'GET', url: '/v1/conversations?status=maybe', headers: auth('admin-secret') })).statusCode).toBe(400);
    // Analysts see the sessions with the customer masked (aggregates, not people).
    const masked = (await app.inject({ method: 'GET', url: '/v1/conversations?status=all', headers: auth('analyst-secret') })).json<{
      conversations: Array<{ id: string; customer_id: string }>;
    }>();
    expect(masked.conversations.length).toBe(4);
    expect(new Set(masked.conversations.map((c) => c.customer_id))).toEqual(new Set(['***']));
    await app.close();
  });

  it('answers 503 for the profile without an identity graph, while the timeline still works', async () => {
    const app = await make(new EmbeddedCrm(), false);
    const res = await app.inject({ method: 'GET', url: '/v1/customers/cus_1', headers: auth('admin-secret') });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'API_ERR_NOT_READY' });
    const tl = (await app.inject({ method: 'GET', url: '/v1/customers/cus_1/timeline', headers: auth('admin-secret') })).json<{ events: unknown[] }>();
    expect(tl.events).toHaveLength(2);
    await app.close();
  });

  it('gives every external id a stable demo CRM record', async () => {
    const crm = new EmbeddedCrm();
    const a = await crm.lookup({ customer_id: 'cus_9', external_id: 'crm-99', identifiers: [] });
    expect(a).toEqual(await crm.lookup({ customer_id: 'cus_10', external_id: 'crm-99', identifiers: [] }));
    expect(a?.fields).toHaveProperty('company');
    expect(await crm.lookup({ customer_id: 'cus_9', external_id: null, identifiers: [] })).toBeNull();
  });
});
