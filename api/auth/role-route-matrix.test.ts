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
import { FileLabelStore } from '../../stream/labels/index.js';
import { loadRoster } from '../../stream/routing/roster.js';
import { MemoryStateStore } from '../../stream/state/memory-state-store.js';
import { DuckDbWarehouse } from '../../warehouse/duckdb/duckdb-warehouse.js';
import { FollowupStore } from '../../stream/followup/followup-store.js';
import { SuppressionList } from '../../stream/followup/suppression-list.js';
import { CustomerErasure } from '../../stream/privacy/customer-erasure.js';
import { rosterAccess } from '../../test/support/access.js';
import { buildTestApp } from '../../test/support/app.js';
import { testEvent } from '../../test/support/events.js';
import { testRouting } from '../../test/support/routing.js';
import { rolesFor, type Permission } from './permissions.js';
import { ROLES, type Role } from './roles.js';
import { factsRow } from '../../test/contracts/kpi-fixture.js';
import { sessionRow } from '../../test/support/two-customers.js';

/**
 * The role × route matrix, generated from /openapi.json: every route declares a permission (`x-permission`,
 * roles in `x-roles`); each role calls each route and must get 401 (nobody), 403 (a role without the
 * permission) or get past the check (an allowed role: never 401/403). Then IDOR probes: agents and managers
 * ask for another team's customer and conversation by id (404, no hint), write under another's name (403), and
 * read lists that used to leak (merges, ?status=all, the KPI drill-down).
 */
describe('role × route matrix from /openapi.json', () => {
  const dir = mkdtempSync(join(tmpdir(), 'omnilane-matrix-'));
  const NOW = Date.UTC(2026, 10, 24, 4, 0);
  const clock = manualClock(NOW);
  const roster = loadRoster(undefined);
  const state = new MemoryStateStore({ clock });
  const bus = new InProcessBus({ clock });
  const identity = new IdentityService({ state, clock, maxSharedCustomers: 3, defaultCountryCode: '86' });
  let warehouse: DuckDbWarehouse;
  let app: FastifyInstance;
  let keys: Awaited<ReturnType<typeof rosterAccess>>;
  /** The caller of each role: east team's agent Zhang and manager Lin; Liu is an agent of team north. */
  const caller = (role: Role | 'nobody'): string | null =>
    ({ nobody: null, ingest: keys.ingest, analyst: keys.analyst, agent: keys.key('ag_zhang'), manager: keys.key('mgr_lin'), admin: keys.admin })[role];
  const call = async (method: string, url: string, key: string | null, body?: unknown) => {
    const r = await app.inject({
      method: method as 'GET',
      url,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      payload: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = String(r.headers['content-type'] ?? '').includes('json');
    return { status: r.statusCode, body: json ? r.json() : { text: r.body } };
  };
  const event = (id: string, customer: CustomerInput, over: Partial<EventEnvelope> = {}): EventEnvelope => testEvent(id, clock.now(), { customer, ...over });
  const fact = (conversation_id: string, customer_key: string, team: string, agent: string) =>
    factsRow({
      conversation_id,
      customer_key,
      channel: 'wechat',
      source: 'baidu',
      team,
      agent,
      tag: 'normal',
      started_at: NOW - 600_000,
      last_event_at: NOW - 500_000,
      first_response_at: NOW - 590_000,
      first_response_ms: 10_000,
      assigned_at: NOW - 595_000,
      wait_ms: 5000,
      duration_ms: 1000,
      version: 1,
    });
  const session = (id: string, customer_id: string, last_agent: string) =>
    sessionRow({ id, customer_id, started_at: NOW - 600_000, last_event_at: NOW - 60_000, last_agent });

  beforeAll(async () => {
    warehouse = await DuckDbWarehouse.open(':memory:');
    await warehouse.migrate();
    await bus.ensureTopic('omnilane.events', 2);
    keys = await rosterAccess(roster.agents, clock);
    // Ana (cus_1) writes to sales, Bob (cus_2) to support; Carol (cus_3) was Zhang's customer last month (only
    // the warehouse remembers: a past conversation.assigned event).
    const resolved = await identity.resolve([
      event('e1', { phone: '+86 138 0000 0000' }),
      event('e2', { channel_ids: { whatsapp: '447700900123' } }, { channel: 'whatsapp' }),
      event('e3', { email: 'carol@example.com' }, { channel: 'email' }),
    ]);
    expect(resolved.map((e) => e.customer_key)).toEqual(['cus_1', 'cus_2', 'cus_3']);
    const { desk, service: routing } = testRouting({ state, bus, clock, roster, warehouse });
    const start = (conv: string, customer: string, text: string) =>
      routing.intake(event(`start-${conv}`, {}, { type: 'conversation.started', customer_key: customer, conversation_id: conv, properties: { text } }));
    await start('c-ana', 'cus_1', 'I want to buy the premium plan, how much is it?');
    await start('c-bob', 'cus_2', 'the app crashes with an error when I log in');
    for (const a of ['ag_zhang', 'ag_liu']) await desk.setPresence(a, 'online');
    await desk.accept('ag_zhang', 'c-ana');
    await desk.accept('ag_liu', 'c-bob');
    await warehouse.append('events', [
      {
        ...event(
          'asg:c-carol:1',
          {},
          {
            producer: 'routing',
            type: 'conversation.assigned',
            customer_key: 'cus_3',
            conversation_id: 'c-carol',
            agent_id: 'ag_zhang',
            occurred_at: NOW - 30 * 86_400_000,
          },
        ),
        customer: '{}',
        properties: '{}',
      },
    ]);
    await warehouse.append('conversation_facts', [fact('c-ana', 'cus_1', 'team_east', 'ag_zhang'), fact('c-bob', 'cus_2', 'team_north', 'ag_liu')]);
    await warehouse.append('conversations', [session('c-ana', 'cus_1', 'ag_zhang'), session('c-bob', 'cus_2', 'ag_liu')]);
    app = await buildTestApp(
      { warehouse, clock, access: keys.access },
      {
        workbench: { identity, crm: new EmbeddedCrm(), sessionExpiryMs: 3_600_000 },
        routing: desk,
        labels: new FileLabelStore(dir),
        erasure: new CustomerErasure({ warehouse, state, clock, identity, followups: new FollowupStore(state), suppression: new SuppressionList(state) }),
      },
    );
  });
  afterAll(async () => {
    await app?.close();
    await bus.close();
    await state.close();
    await warehouse?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every route in /openapi.json declares a permission, and its roles are the catalogue’s', async () => {
    const doc = (await call('GET', '/openapi.json', null)).body as {
      paths: Record<string, Record<string, { 'x-permission'?: Permission; 'x-roles'?: Role[] }>>;
    };
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
    expect(ops.length).toBeGreaterThan(40);
    // The data-subject export is for admins only (managers are not data controllers).
    expect(doc.paths['/v1/customers/{id}/export']?.get?.['x-roles']).toEqual(['admin']);
    // So is erasure, and its job report.
    expect(doc.paths['/v1/customers/{id}']?.delete?.['x-roles']).toEqual(['admin']);
    expect(doc.paths['/v1/privacy/erasures/{job}']?.get?.['x-roles']).toEqual(['admin']);
    for (const { path, method, op } of ops) {
      expect(op['x-permission'], `${method} ${path}`).toBeDefined();
      expect(op['x-roles'], `${method} ${path}`).toEqual(rolesFor(op['x-permission']!));
    }
  });

  it('answers 401 to nobody, 403 to roles without the permission, and lets every allowed role past the check', async () => {
    const doc = (await call('GET', '/openapi.json', null)).body as {
      paths: Record<
        string,
        Record<string, { 'x-permission': Permission; 'x-roles': Role[]; responses: Record<string, { content?: Record<string, unknown> }> }>
      >;
    };
    let checked = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        // Path parameters: ids nobody has, so an allowed call changes nothing (a 404 is past the check).
        const url = path.replace(/\{(\w+)\}/g, (_m, name: string) => (name === 'kpi' ? 'inquiries' : `no-such-${name}`));
        const stream = Object.keys(op.responses['200']?.content ?? {}).includes('text/event-stream') || /\/live$/.test(path);
        const body = ['post', 'put', 'patch', 'delete'].includes(method) ? {} : undefined;
        for (const role of ['nobody', ...ROLES] as const) {
          const allowed = op['x-permission'] === 'public' || (role !== 'nobody' && op['x-roles'].includes(role));
          if (allowed && stream) continue; // a live stream never ends under inject: its refusals are checked, not its stream
          const r = await call(method.toUpperCase(), url, caller(role), body);
          const what = `${role} ${method.toUpperCase()} ${url} → ${r.status} ${JSON.stringify(r.body).slice(0, 120)}`;
          if (allowed) expect([401, 403].includes(r.status) && r.body.code !== 'API_ERR_CSRF' ? r.status : 'past the check', what).toBe('past the check');
          else expect(r.status, what).toBe(role === 'nobody' ? 401 : 403);
          // (POST /v1/events reaches this app's stub ingest, which cannot ingest: its 500 is past the check too.)
          if (allowed && path !== '/v1/events') expect(r.status === 503 ? 'not ready' : r.status < 500 ? 'answered' : r.status, what).not.toBeTypeOf('number');
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('allowed roles get 2xx on the reads they own', async () => {
    for (const role of ['analyst', 'manager', 'admin'] as const) {
      for (const url of ['/v1/board?minutes=30', '/v1/metrics', '/v1/funnel', '/v1/alerts', '/v1/conversations?status=all'])
        expect((await call('GET', url, caller(role))).status, `${role} ${url}`).toBe(200);
    }
    for (const role of ['agent', 'manager', 'admin'] as const) {
      for (const url of [
        '/v1/console/me',
        '/v1/console/queue',
        '/v1/console/conversations',
        '/v1/customers/cus_1',
        '/v1/customers/cus_1/timeline',
        '/v1/customers/cus_1/merges',
      ])
        expect((await call('GET', url, caller(role))).status, `${role} ${url}`).toBe(200);
    }
  });

  it('IDOR: another team’s customer and conversation answer 404 to agents and managers, 200 to admins', async () => {
    const zhang = keys.key('ag_zhang');
    const lin = keys.key('mgr_lin');
    const liu = keys.key('ag_liu');
    for (const k of [zhang, lin]) {
      for (const url of ['/v1/customers/cus_2', '/v1/customers/cus_2/timeline', '/v1/customers/cus_2/merges', '/v1/console/conversations/c-bob'])
        expect((await call('GET', url, k)).status, url).toBe(404);
      expect((await call('POST', '/v1/console/conversations/c-bob/close', k, { outcome: 'lost' })).status).toBe(404);
      expect((await call('POST', '/v1/console/conversations/c-bob/transfer', k, { to_agent: 'ag_zhang' })).status).toBe(404);
    }
    expect((await call('GET', '/v1/customers/cus_2', keys.admin)).status).toBe(200);
    // Another agent of the same team sees neither Zhang's customer nor his conversation.
    expect((await call('GET', '/v1/customers/cus_1', keys.key('ag_wang'))).status).toBe(404);
    // Ownership by history: Carol was assigned to Zhang a month ago (warehouse only): Zhang and his manager see her, Liu does not.
    expect((await call('GET', '/v1/customers/cus_3', zhang)).status).toBe(200);
    expect((await call('GET', '/v1/customers/cus_3', lin)).status).toBe(200);
    expect((await call('GET', '/v1/customers/cus_3', liu)).status).toBe(404);
    // Search follows the same scope.
    expect((await call('GET', '/v1/customers?phone=13800000000', liu)).body.customers).toEqual([]);
  });

  it('nobody writes in another’s name, and a manager cannot reply outside their teams', async () => {
    const zhang = keys.key('ag_zhang');
    const lin = keys.key('mgr_lin');
    const impersonate = await call('POST', '/v1/conversations/c-ana/messages', zhang, { text: 'hi', agent_id: 'ag_wang' });
    expect([impersonate.status, impersonate.body.code]).toEqual([403, 'API_ERR_FORBIDDEN']);
    const asManager = await call('POST', '/v1/conversations/c-ana/messages', lin, { text: 'hi', agent_id: 'ag_zhang' });
    expect([asManager.status, asManager.body.code]).toEqual([403, 'API_ERR_FORBIDDEN']);
    expect((await call('POST', '/v1/conversations/c-bob/messages', lin, { text: 'hi' })).status).toBe(404);
    expect((await call('POST', '/v1/conversations/c-bob/messages', zhang, { text: 'hi' })).status).toBe(404);
  });

  it('closes the probe’s leaks: ?status=all, the KPI drill-down and merges show a manager only their teams', async () => {
    const lin = keys.key('mgr_lin');
    const sessions = (await call('GET', '/v1/conversations?status=all', lin)).body.conversations as Array<{ id: string }>;
    expect(sessions.map((c) => c.id)).toEqual(['c-ana']);
    const all = (await call('GET', '/v1/conversations?status=all', keys.admin)).body.conversations as Array<{ id: string }>;
    expect(all.map((c) => c.id).sort()).toEqual(['c-ana', 'c-bob']);
    const drill = `/v1/metrics/first_response/conversations?from=${NOW - 3_600_000}&to=${NOW}`;
    expect(((await call('GET', drill, lin)).body.conversations as Array<{ conversation_id: string }>).map((c) => c.conversation_id)).toEqual(['c-ana']);
    const masked = (await call('GET', drill, keys.analyst)).body.conversations as Array<{ customer_key: string }>;
    expect(masked.length).toBe(2);
    expect(new Set(masked.map((c) => c.customer_key))).toEqual(new Set(['***']));
    expect((await call('GET', '/v1/customers/cus_2/merges', lin)).status).toBe(404);
  });
});
