import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../shared/clock.js';
import type { CustomerInput, EventEnvelope } from '../../shared/envelope.js';
import { InProcessBus } from '../../stream/bus/in-process-bus.js';
import { EmbeddedCrm } from '../../stream/crm/embedded-crm.js';
import { IdentityService } from '../../stream/identity/identity-service.js';
import { loadRoster } from '../../stream/routing/roster.js';
import { MemoryStateStore } from '../../stream/state/memory-state-store.js';
import { DuckDbWarehouse } from '../../warehouse/duckdb/duckdb-warehouse.js';
import { buildTestApp } from '../../test/support/app.js';
import { testEvent } from '../../test/support/events.js';
import { testRouting } from '../../test/support/routing.js';
import { rosterAccess } from '../../test/support/access.js';

/**
 * GET /v1/customers through app.inject: identifiers normalised exactly as ingest normalised them, scoped per role
 * like the profile (with the demo roster and real routing queues), and the 400 codes for bad input.
 */
describe('customer search', () => {
  const dir = mkdtempSync(join(tmpdir(), 'omnilane-search-'));
  const clock = manualClock(Date.UTC(2026, 10, 24, 4, 0));
  const roster = loadRoster(undefined);
  const state = new MemoryStateStore({ clock });
  const bus = new InProcessBus({ clock });
  const identity = new IdentityService({ state, clock, maxSharedCustomers: 3, defaultCountryCode: '86' });
  let warehouse: DuckDbWarehouse;
  let app: FastifyInstance;
  let bare: FastifyInstance;
  let keys: Awaited<ReturnType<typeof rosterAccess>>;
  const key = (id: string) => keys.key(id);
  const get = async (url: string, given?: string | null) => {
    const k = given === undefined ? keys.admin : given;
    const r = await app.inject({ method: 'GET', url, headers: k ? { authorization: `Bearer ${k}` } : {} });
    return { status: r.statusCode, body: r.json<Record<string, any>>() };
  };
  const found = async (query: string, k?: string) => {
    const r = await get(`/v1/customers?${query}`, k);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return (r.body.customers as Array<{ id: string }>).map((c) => c.id);
  };
  const event = (id: string, customer: CustomerInput, over: Partial<EventEnvelope> = {}): EventEnvelope => testEvent(id, clock.now(), { customer, ...over });

  beforeAll(async () => {
    warehouse = await DuckDbWarehouse.open(':memory:');
    await warehouse.migrate();
    await bus.ensureTopic('omnilane.events', 2);
    keys = await rosterAccess(roster.agents);
    // Ana writes on WeChat with her phone (cus_1), then by email under her CRM id (cus_2), then one WeChat message
    // carries both: cus_2 merges into cus_1. Bob writes on WhatsApp (cus_3).
    const resolved = await identity.resolve([
      event('e1', { phone: '+86 138 0000 0000', channel_ids: { wechat: 'oWx-ana' } }),
      event('e2', { email: 'Ana.Li@Example.COM', external_id: 'crm-ana' }, { channel: 'email' }),
      event('e3', { email: 'ana.li@example.com', channel_ids: { wechat: 'oWx-ana' } }),
      event('e4', { channel_ids: { whatsapp: '447700900123' } }, { channel: 'whatsapp' }),
    ]);
    expect(resolved.map((e) => e.customer_key)).toEqual(['cus_1', 'cus_2', 'cus_1', 'cus_3']);
    // Routing: Ana's conversation waits in pre_sale, Bob's in tech_support.
    const { desk, service: routing } = testRouting({ state, bus, clock, roster, warehouse });
    const start = (conv: string, customer: string, text: string) =>
      routing.intake(event(`start-${conv}`, {}, { type: 'conversation.started', customer_key: customer, conversation_id: conv, properties: { text } }));
    expect(await start('c-ana', 'cus_1', 'I want to buy the premium plan, how much is it?')).toBe('pre_sale');
    expect(await start('c-bob', 'cus_3', 'the app crashes with an error when I log in')).toBe('tech_support');
    // Ownership: Zhang (team east) takes Ana's conversation, Liu (team north) Bob's.
    for (const a of ['ag_zhang', 'ag_liu']) await desk.setPresence(a, 'online');
    await desk.accept('ag_zhang', 'c-ana');
    await desk.accept('ag_liu', 'c-bob');
    app = await buildTestApp(
      { warehouse, clock, access: keys.access },
      { workbench: { identity, crm: new EmbeddedCrm(), sessionExpiryMs: 3_600_000 }, routing: desk },
    );
    bare = await buildTestApp({ warehouse, clock, access: keys.access }, { workbench: { crm: new EmbeddedCrm(), sessionExpiryMs: 3_600_000 } });
  });
  afterAll(async () => {
    await app?.close();
    await bare?.close();
    await bus.close();
    await state.close();
    await warehouse?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds a customer by any writing of the phone ingest saw, with IDENTITY_DEFAULT_COUNTRY_CODE=86', async () => {
    for (const phone of ['+86 138 0000 0000', '13800000000', '138-0000-0000', '008613800000000', '+86 (138) 0000 0000', '8613800000000']) {
      const r = await get(`/v1/customers?phone=${encodeURIComponent(phone)}`);
      expect(r.status, phone).toBe(200);
      expect(r.body, phone).toMatchObject({ identifiers: ['phone:+8613800000000'], customers: [{ id: 'cus_1', matched: ['phone:+8613800000000'] }] });
    }
    const ana = (await get('/v1/customers?phone=13800000000')).body.customers[0];
    expect(ana).toMatchObject({ external_id: 'crm-ana', merged: ['cus_2'] });
    expect(ana.identifiers).toEqual(expect.arrayContaining(['ext:crm-ana', 'email:ana.li@example.com', 'phone:+8613800000000', 'wechat:oWx-ana']));
  });

  it('finds by email in any case, by external id, and by a channel id (a merged customer as its survivor)', async () => {
    expect(await found('email=ANA.LI%40example.com')).toEqual(['cus_1']);
    expect(await found('email=%20Ana.Li%40Example.COM%20')).toEqual(['cus_1']);
    expect(await found('external_id=crm-ana')).toEqual(['cus_1']);
    expect(await found('channel=wechat&channel_id=oWx-ana')).toEqual(['cus_1']);
    // A WhatsApp id is a phone number: found as channel id and as phone, in any writing.
    expect(await found('channel=whatsapp&channel_id=447700900123')).toEqual(['cus_3']);
    expect(await found(`phone=${encodeURIComponent('+44 7700 900123')}`)).toEqual(['cus_3']);
    // Several parameters are alternatives: each customer once, in the order asked, with what matched it.
    const both = await get('/v1/customers?phone=%2B447700900123&email=ana.li%40example.com');
    expect(both.body.customers.map((c: { id: string; matched: string[] }) => [c.id, c.matched])).toEqual([
      ['cus_3', ['phone:+447700900123']],
      ['cus_1', ['email:ana.li@example.com']],
    ]);
  });

  it('answers an empty list (200) for identifiers nobody has, and does not create anyone', async () => {
    expect(await found('phone=13900000000')).toEqual([]);
    expect(await found('channel=wechat&channel_id=oWx-nobody')).toEqual([]);
    // Case and spacing of an external id or a provider id are the producer's: they are not folded.
    expect(await found('external_id=CRM-ANA')).toEqual([]);
    expect(await identity.profile('cus_4')).toBeNull();
  });

  it('refuses bad input with a code that names it', async () => {
    const code = async (query: string) => {
      const r = await get(`/v1/customers${query}`);
      expect(r.status, query).toBe(400);
      return r.body.code;
    };
    expect(await code('')).toBe('API_ERR_SEARCH_NO_CRITERIA');
    expect(await code('?unknown=1')).toBe('API_ERR_SEARCH_NO_CRITERIA');
    expect(await code('?phone=12')).toBe('API_ERR_SEARCH_BAD_PHONE');
    expect(await code('?phone=call-me')).toBe('API_ERR_SEARCH_BAD_PHONE');
    expect(await code('?phone=')).toBe('API_ERR_SEARCH_BAD_PHONE');
    expect(await code('?phone=1234567890123456789')).toBe('API_ERR_SEARCH_BAD_PHONE');
    expect(await code('?email=ana.example.com')).toBe('API_ERR_SEARCH_BAD_EMAIL');
    expect(await code('?email=ana%20li%40example.com')).toBe('API_ERR_SEARCH_BAD_EMAIL');
    expect(await code('?external_id=%20%20')).toBe('API_ERR_SEARCH_BAD_EXTERNAL_ID');
    expect(await code('?channel_id=oWx-ana')).toBe('API_ERR_SEARCH_BAD_CHANNEL_ID');
    expect(await code('?channel=wechat')).toBe('API_ERR_SEARCH_BAD_CHANNEL_ID');
    expect(await code('?channel=anon&channel_id=x')).toBe('API_ERR_SEARCH_BAD_CHANNEL_ID');
    expect(await code('?channel=wechat&channel_id=%20')).toBe('API_ERR_SEARCH_BAD_CHANNEL_ID');
    expect(await code('?channel=WeChat&channel_id=oWx-ana')).toBe('API_ERR_VALIDATION');
    // one bad parameter fails the search even beside a good one
    expect(await code('?email=ana.li%40example.com&phone=12')).toBe('API_ERR_SEARCH_BAD_PHONE');
  });

  it('scopes agents and managers like the profile: nobody finds a customer they may not open', async () => {
    expect(await found('phone=13800000000', key('ag_zhang'))).toEqual(['cus_1']);
    expect(await found('channel=whatsapp&channel_id=447700900123', key('ag_zhang'))).toEqual([]);
    expect(await found('phone=13800000000', key('ag_liu'))).toEqual([]);
    expect(await found('email=ana.li%40example.com', key('ag_liu'))).toEqual([]);
    expect(await found('channel=whatsapp&channel_id=447700900123', key('ag_liu'))).toEqual(['cus_3']);
    expect(await found('phone=13800000000', key('mgr_lin'))).toEqual(['cus_1']);
    expect(await found('phone=13800000000', key('mgr_grace'))).toEqual([]);
    expect(await found('phone=%2B447700900123', key('mgr_grace'))).toEqual(['cus_3']);
    // what the search shows, the profile opens; what it hides, the profile hides too
    expect((await get('/v1/customers/cus_1', key('ag_zhang'))).status).toBe(200);
    expect((await get('/v1/customers/cus_1', key('ag_liu'))).status).toBe(404);
    // a merged-away id opens its survivor for whoever may see the survivor (its conversations carry cus_1)
    expect((await get('/v1/customers/cus_2', key('ag_zhang'))).body).toMatchObject({ id: 'cus_1', requested_id: 'cus_2' });
    expect((await get('/v1/customers/cus_2', key('ag_liu'))).status).toBe(404);
    // roles: ingest keys may not search, and every search needs a key
    expect((await get('/v1/customers?phone=13800000000', keys.ingest)).status).toBe(403);
    expect((await get('/v1/customers?phone=13800000000', null)).body.code).toBe('API_ERR_UNAUTHORIZED');
    expect(await found('phone=13800000000', keys.admin)).toEqual(['cus_1']);
  });

  it('answers 503 without an identity graph, and is described in /openapi.json', async () => {
    const r = await bare.inject({ method: 'GET', url: '/v1/customers?phone=13800000000', headers: { authorization: `Bearer ${keys.admin}` } });
    expect([r.statusCode, r.json().code]).toEqual([503, 'API_ERR_NOT_READY']);
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, { get?: { parameters?: Array<{ name: string; in: string }> } }>;
    }>();
    const params = doc.paths['/v1/customers']?.get?.parameters?.map((p) => `${p.in}:${p.name}`);
    expect(params).toEqual(expect.arrayContaining(['query:phone', 'query:email', 'query:external_id', 'query:channel', 'query:channel_id']));
  });
});
