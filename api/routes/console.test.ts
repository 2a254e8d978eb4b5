import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../shared/envelope.js';
import { RoutingDesk } from '../../stream/routing/routing-desk.js';
import { RoutingService } from '../../stream/routing/routing-service.js';
import { DuckDbWarehouse } from '../../warehouse/duckdb/duckdb-warehouse.js';
import { buildTestApp, requestAs } from '../../test/support/app.js';
import { conversationEvent } from '../../test/support/events.js';
import { routeTestBed, testRouting } from '../../test/support/routing.js';
import { allows } from '../auth/permissions.js';

/** Console and routing routes through app.inject: scoping per role, and the error answers. */
describe('console and routing routes', () => {
  const bed = routeTestBed('console', Date.UTC(2026, 0, 5, 3, 0));
  const { clock, roster, state, bus, key } = bed;
  let warehouse: DuckDbWarehouse;
  let desk: RoutingDesk;
  let service: RoutingService;
  let app: FastifyInstance;
  const req = requestAs(() => app);
  const started = (id: string, text: string, tag = 'normal', channel = 'web'): EventEnvelope =>
    conversationEvent(`start-${id}`, clock.now(), id, 'conversation.started', { text, tag }, { channel });

  beforeAll(async () => {
    const opened = await bed.open();
    warehouse = opened.warehouse;
    ({ desk, service } = testRouting({ state, bus, clock, roster, warehouse }));
    app = await buildTestApp({ warehouse, clock, access: opened.keys.access }, { routing: desk });
  });
  afterAll(() => bed.close(app));

  it('documents every console and routing route in /openapi.json', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, Record<string, unknown>> }>();
    for (const path of [
      '/v1/console/me',
      '/v1/console/me/presence',
      '/v1/console/queue',
      '/v1/console/conversations',
      '/v1/console/conversations/{id}',
      '/v1/console/conversations/{id}/accept',
      '/v1/console/conversations/{id}/transfer',
      '/v1/console/conversations/{id}/close',
      '/v1/console/live',
      '/v1/routing/queues',
      '/v1/routing/queues/{group}/policy',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
  });

  it('orders permissions: managers work the console and read aggregates, agents do not read boards, analysts do not work the console', () => {
    expect(allows('manager', 'console:work')).toBe(true);
    expect(allows('manager', 'metrics:read')).toBe(true);
    expect(allows('agent', 'metrics:read')).toBe(false);
    expect(allows('admin', 'routing:manage')).toBe(true);
    expect(allows('analyst', 'console:work')).toBe(false);
    expect(allows('analyst', 'customers:read')).toBe(false);
  });

  it('triages into queues, and each principal sees only its scope', async () => {
    expect(await service.intake(started('c-buy', 'I want to buy the premium plan, how much is it?'))).toBe('pre_sale');
    expect(await service.intake(started('c-vip', '我想买你们的高级版，多少钱？', 'VIP'))).toBe('senior_sales');
    expect(await service.intake(started('c-bug', 'the app crashes with an error when I log in'))).toBe('tech_support');
    // Replay: nothing changes.
    expect(await service.intake(started('c-buy', 'I want to buy the premium plan, how much is it?'))).toBeNull();

    const groupsOf = async (k: string) =>
      ((await req('GET', '/v1/console/queue', k)).body.queues as Array<{ group: string; length: number }>).map((q) => q.group);
    expect(await groupsOf(key('ag_zhang'))).toEqual(['pre_sale']);
    expect(await groupsOf(key('ag_liu'))).toEqual(['tech_support']);
    expect(await groupsOf(key('mgr_lin'))).toEqual(['after_sale', 'pre_sale', 'senior_sales']);
    const q = (await req('GET', '/v1/console/queue', key('ag_zhang'))).body.queues[0];
    expect(q).toMatchObject({ group: 'pre_sale', policy: 'least_loaded', length: 1 });
    expect(q.items[0]).toMatchObject({ conversation_id: 'c-buy', intent: 'purchase', tag: 'normal', breach_predicted: true, escalated: false });

    // An agent of another group cannot see or take it; the group's agent pulls it.
    expect((await req('GET', '/v1/console/conversations/c-buy', key('ag_liu'))).status).toBe(404);
    expect((await req('POST', '/v1/console/conversations/c-buy/accept', key('ag_liu'))).status).toBe(404);
    expect(await req('POST', '/v1/console/conversations/c-buy/accept', key('ag_zhang'))).toEqual({
      status: 200,
      body: { status: 'active', agent_id: 'ag_zhang' },
    });
    expect(
      (await req('GET', '/v1/console/conversations?status=active', key('ag_zhang'))).body.conversations.map(
        (c: { conversation_id: string }) => c.conversation_id,
      ),
    ).toEqual(['c-buy']);
    expect((await req('GET', '/v1/console/conversations?status=active', key('ag_wang'))).body.conversations).toEqual([]);
    expect((await req('GET', '/v1/console/conversations?status=active', key('mgr_lin'))).body.conversations).toHaveLength(1);
    expect((await req('GET', '/v1/console/conversations?status=active', key('mgr_grace'))).body.conversations).toHaveLength(0);
  });

  it('answers conflicts, unknown policies and forbidden roles with coded errors', async () => {
    // ag_wang may see the pre_sale queue but c-buy is now ag_zhang's.
    expect((await req('POST', '/v1/console/conversations/c-buy/close', key('ag_wang'), { outcome: 'lost' })).status).toBe(404);
    const mgrClose = await req('POST', '/v1/console/conversations/c-bug/accept', key('mgr_lin'));
    expect(mgrClose.status).toBe(404);
    expect((await req('GET', '/v1/routing/queues', key('ag_zhang'))).body).toMatchObject({ code: 'API_ERR_FORBIDDEN' });
    const bad = await req('PUT', '/v1/routing/queues/pre_sale/policy', key('mgr_lin'), { policy: 'coin_flip' });
    expect(bad).toMatchObject({ status: 400, body: { code: 'ROUTE_ERR_UNKNOWN_POLICY' } });
    expect((await req('PUT', '/v1/routing/queues/tech_support/policy', key('mgr_lin'), { policy: 'round_robin' })).status).toBe(404);
    expect((await req('PUT', '/v1/routing/queues/pre_sale/policy', key('mgr_lin'), { policy: 'round_robin' })).status).toBe(200);
    expect(await desk.policyOf('pre_sale')).toBe('round_robin');
    const overview = (await req('GET', '/v1/routing/queues', key('mgr_lin'))).body;
    expect(overview.agents.map((a: { id: string }) => a.id)).toEqual(['ag_chen', 'ag_emma', 'ag_wang', 'ag_zhang', 'mgr_lin']);
    expect(overview.agents.find((a: { id: string }) => a.id === 'ag_zhang')).toMatchObject({ open: 1, presence: 'offline' });
    expect((await req('GET', '/v1/board', key('ag_zhang'))).status).toBe(403);

    // ag_chen (senior_sales, capacity 3) fills up, then a pull answers 409.
    for (const id of ['s1', 's2', 's3', 's4']) await service.intake(started(id, 'I want to buy it, what is the price?', 'high_value'));
    for (const id of ['s1', 's2', 's3']) expect((await req('POST', `/v1/console/conversations/${id}/accept`, key('ag_chen'))).status).toBe(200);
    expect((await req('POST', '/v1/console/conversations/s4/accept', key('ag_chen'))).body).toMatchObject({ code: 'ROUTE_ERR_CONFLICT' });
  });

  it('transfers to a group and to an agent atomically, and closes with an outcome', async () => {
    expect((await req('POST', '/v1/console/conversations/s1/transfer', key('ag_chen'), { to_group: 'after_sale' })).body).toMatchObject({
      group: 'after_sale',
    });
    expect((await desk.store.queue('after_sale'))[0][1]).toBe('s1');
    expect((await req('POST', '/v1/console/conversations/s4/accept', key('ag_chen'))).status).toBe(200);
    const t = await req('POST', '/v1/console/conversations/s2/transfer', key('ag_chen'), { to_agent: 'ag_wang' });
    expect(t).toEqual({ status: 200, body: { status: 'active', agent_id: 'ag_wang', group: 'senior_sales' } });
    expect((await desk.store.conv('s2'))?.agent).toBe('ag_wang');
    expect((await req('POST', '/v1/console/conversations/s2/transfer', key('ag_chen'), { to_agent: 'ag_zhang' })).status).toBe(404);
    expect((await req('POST', '/v1/console/conversations/s2/close', key('ag_wang'), { outcome: 'opportunity' })).body).toEqual({ status: 'closed' });
    expect((await desk.store.conv('s2'))?.status).toBe('closed');
    expect(await state.get('rt:load:ag_wang:*')).toBe('0');
  });

  it('samples routing_gauges: queue sizes and agent load, readable by the KPI queries', async () => {
    await service.sampleGauges();
    const at = Math.floor(clock.now() / 10_000) * 10_000;
    const base = { tz_offset_ms: 0, tz_change_offset_ms: [], tz_change_at_ms: [], bucket_s: 60, from_ms: at - 60_000, to_ms: at + 60_000, team: null };
    const queues = await warehouse.query<{ grp: string; value: number }>('kpi_queue_length', { ...base, group_by: 'group' });
    const size = Object.fromEntries(queues.map((r) => [r.grp, Number(r.value)]));
    expect(size).toMatchObject({ tech_support: 1, after_sale: 1, pre_sale: 0 });
    const load = await warehouse.query<{ grp: string; open_avg: number; capacity: number }>('kpi_agent_load', { ...base, group_by: 'agent', agent: null });
    expect(load.find((r) => r.grp === 'ag_chen')).toMatchObject({ open_avg: 2, capacity: 3 });
  });
});
