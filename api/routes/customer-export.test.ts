import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../audit/audit-log.js';
import { manualClock } from '../../shared/clock.js';
import { silentLogger } from '../../shared/logger.js';
import { CsvReader } from '../../stream/attribution/csv-reader.js';
import { EmbeddedCrm } from '../../stream/crm/embedded-crm.js';
import { loadFollowupConfig, shippedRulesPath } from '../../stream/followup/followup-config.js';
import { FollowupStore } from '../../stream/followup/followup-store.js';
import { IdentityService } from '../../stream/identity/identity-service.js';
import type { ExportSection } from '../../stream/privacy/customer-export.js';
import { MemoryStateStore } from '../../stream/state/memory-state-store.js';
import { DuckDbWarehouse } from '../../warehouse/duckdb/duckdb-warehouse.js';
import { oneKeyPerRole } from '../../test/support/access.js';
import { buildTestApp } from '../../test/support/app.js';
import { customerRows, seedTwoCustomers } from '../../test/support/two-customers.js';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const clock = manualClock(NOW);
const keys = await oneKeyPerRole();
const auth = (k: string) => ({ authorization: `Bearer ${k}` });

let wh: DuckDbWarehouse;
let state: MemoryStateStore;
let audit: AuditLog;
let app: FastifyInstance;
/** Ana: two customers merged into one (phone first, e-mail second, then an event carrying both). Bo: a third. */
let ana: string;
let anaMerged: string;
let bo: string;

const { ev } = customerRows(NOW);

beforeAll(async () => {
  wh = await DuckDbWarehouse.open(':memory:');
  await wh.migrate();
  state = new MemoryStateStore({ clock });
  const identity = new IdentityService({ state, clock, maxSharedCustomers: 3, defaultCountryCode: '86', mergeLog: wh });
  const seeded = await seedTwoCustomers(wh, identity, NOW);
  ({ ana, anaMerged, bo } = seeded);
  expect(new Set([ana, anaMerged])).toEqual(new Set(seeded.keys.slice(0, 2)));
  const assigned = (id: string, customer: string, conv: string) => ({
    ...ev(id, {}, { producer: 'routing', type: 'conversation.assigned', customer_key: customer, conversation_id: conv, agent_id: 'ag_1' }),
    customer: '{}',
    properties: '{"via":"offer"}',
  });
  await wh.append('events', [assigned('asg5', ana, 'conv-ana-1'), assigned('asg6', anaMerged, 'conv-ana-2'), assigned('asg7', bo, 'conv-bo-1')]);
  const store = new FollowupStore(state);
  await store.setConsent(ana, 'sms', 'opted_out', NOW - 100_000, 'p/e9');
  await store.setConsent(anaMerged, 'email', 'opted_in', NOW - 90_000, 'p/e10');
  await store.setConsent(bo, 'sms', 'opted_out', NOW - 80_000, 'p/e11');
  audit = new AuditLog({ warehouse: wh, clock, key: Buffer.alloc(32, 3), log: silentLogger(), state, checkpointEvery: 1000 });
  await audit.record({ actor: { id: 'user:u1' }, action: 'customer.profile.read', target: `customer:${ana}`, customer: ana });
  await audit.record({ actor: { id: 'user:u1' }, action: 'customer.profile.read', target: `customer:${bo}`, customer: bo });
  app = await buildTestApp(
    { warehouse: wh, clock, access: keys },
    {
      workbench: { identity, crm: new EmbeddedCrm(), sessionExpiryMs: 3_600_000 },
      followups: { store, fileConfig: loadFollowupConfig(shippedRulesPath('example')), secret: 's' },
      audit,
    },
  );
});
afterAll(async () => {
  await app?.close();
  await state?.close();
  await wh?.close();
});

const parseCsv = (csv: string): string[][] => {
  const rows: string[][] = [];
  const reader = new CsvReader((fields) => rows.push(fields));
  expect(reader.push(csv)).toBeNull();
  expect(reader.end()).toBeNull();
  return rows;
};
const get = (url: string, key = 'admin-secret') => app.inject({ method: 'GET', url, headers: auth(key) });

describe('GET /v1/customers/{id}/export', () => {
  it('holds every section of the customer and its merged id, and nothing of another customer', async () => {
    const r = await get(`/v1/customers/${anaMerged}/export`);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-disposition']).toBe(`attachment; filename="customer-${ana}-export.json"`);
    const doc = r.json<{ customer_id: string; requested_id: string; customer_ids: string[]; sections: ExportSection[] }>();
    expect([doc.customer_id, doc.requested_id]).toEqual([ana, anaMerged]);
    expect(doc.customer_ids.sort()).toEqual([ana, anaMerged].sort());
    const by = Object.fromEntries(doc.sections.map((s) => [s.name, s]));
    const rows = Object.fromEntries(doc.sections.map((s) => [s.name, s.rows]));
    expect(rows).toEqual({
      profile: 1,
      identifiers: 2,
      identity_merges: 1,
      events: 5,
      conversations: 2,
      conversation_facts: 2,
      response_times: 2,
      deal_facts: 1,
      routing_history: 2,
      followups: 0,
      followup_steps: 0,
      consents: 2,
      audit: 1,
    });
    for (const s of doc.sections) {
      expect(s.rows, s.name).toBe(s.data.length);
      expect(s.source.length, s.name).toBeGreaterThan(10);
      expect(s.unavailable, s.name).toBeUndefined();
      // Bo appears nowhere: not his id, his phone, his message, his conversation or his deal.
      for (const his of [bo, '13900000002', 'hello from bo', 'conv-bo-1', 'deal-bo']) expect(JSON.stringify(s), `${s.name} leaks ${his}`).not.toContain(his);
    }
    const family = new Set([ana, anaMerged]);
    expect(by.identifiers.data.map((d) => d.identifier).sort()).toEqual(['email:ana@example.com', 'phone:+8613900000001']);
    expect(new Set(by.events.data.map((e) => e.customer_key))).toEqual(family);
    expect(by.events.data.map((e) => e.id)).toEqual(['e1', 'e2', 'e3', 'asg5', 'asg6']);
    expect(by.events.data.some((e) => String(e.properties).includes('ana by mail'))).toBe(true);
    expect(by.conversations.data.map((c) => c.id).sort()).toEqual(['conv-ana-1', 'conv-ana-2']);
    expect(new Set(by.conversation_facts.data.map((c) => c.customer_key))).toEqual(family);
    expect(by.response_times.data.map((c) => c.conversation_id)).toEqual(['conv-ana-1', 'conv-ana-2']);
    expect(by.deal_facts.data).toMatchObject([{ deal_id: 'p/deal-ana', customer_key: anaMerged, value: 99.5, won_at_ms: NOW - 300_000 }]);
    expect(by.routing_history.data.map((e) => [e.type, e.agent_id])).toEqual([
      ['conversation.assigned', 'ag_1'],
      ['conversation.assigned', 'ag_1'],
    ]);
    expect(by.consents.data.map((c) => [c.customer_id, c.channel, c.state])).toEqual([
      [ana, 'sms', 'opted_out'],
      [anaMerged, 'email', 'opted_in'],
    ]);
    expect(by.identity_merges.data).toMatchObject([{ kind: 'merge', customer_id: ana, other_id: anaMerged }]);
    expect(by.audit.data).toMatchObject([{ action: 'customer.profile.read', customer_id: ana }]);
  });

  it('gives each section a CSV that parses back to the same rows', async () => {
    const doc = (await get(`/v1/customers/${ana}/export`)).json<{ sections: ExportSection[] }>();
    for (const s of doc.sections) {
      const [header, ...lines] = parseCsv(s.csv);
      expect(header, s.name).toEqual(s.columns);
      expect(lines, s.name).toEqual(s.data.map((d) => s.columns.map((c) => (d[c] === null ? '' : String(d[c])))));
    }
    // JSON text with quotes and commas (the customer object) survives the CSV quoting.
    expect(doc.sections.find((s) => s.name === 'events')!.csv).toContain('"{""phone"":""13900000001""}"');
  });

  it('is for admins only: 403 to managers, agents and analysts; 401 without a key', async () => {
    for (const k of ['manager-secret', 'agent-secret', 'analyst-secret']) expect((await get(`/v1/customers/${ana}/export`, k)).statusCode, k).toBe(403);
    expect((await app.inject({ method: 'GET', url: `/v1/customers/${ana}/export` })).statusCode).toBe(401);
  });

  it('answers 404 API_ERR_NOT_FOUND for a customer nobody holds anything of', async () => {
    const r = await get('/v1/customers/cus_999/export');
    expect([r.statusCode, r.json().code]).toEqual([404, 'API_ERR_NOT_FOUND']);
  });

  it('records privacy.export in the audit log with the customer and the row counts', async () => {
    const entries = async () =>
      wh.query<Record<string, unknown>>('audit_search', {
        actor: '',
        actor_json: '',
        action: 'privacy.export',
        customer: ana,
        from_ms: 0,
        to_ms: NOW + 1,
        limit: 50,
        offset: 0,
      });
    for (let i = 0; i < 50 && (await entries()).length < 2; i++) await new Promise((ok) => setTimeout(ok, 20));
    const got = await entries();
    expect(got.length).toBe(2);
    const after = JSON.parse(String(got[0].after)) as { requested_id: string; rows: Record<string, number> };
    expect(after.rows.events).toBe(5);
    expect(JSON.parse(String(got[0].actor))).toMatchObject({ id: 'a', role: 'admin' });
    expect(String(got[0].target)).toBe(`customer:${ana}`);
    expect(JSON.stringify(got)).not.toContain('13900000001');
  });
});
