import { afterEach, describe, expect, it } from 'vitest';
import { createConsoleController, type ConsoleController } from './controller.js';
import type { ConsoleState } from './state.js';

/** A scripted HTTP server for the controller: answers by "METHOD path" and records every request. */
function fakeServer(routes: Record<string, (body: unknown) => { status: number; body?: unknown }>) {
  const calls: Array<{ method: string; url: string; body: unknown; auth: string | null }> = [];
  const fetchImpl = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = input instanceof Request ? input.url : String(input);
    const method = init.method ?? 'GET';
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    calls.push({ method, url, body, auth: new Headers(init.headers).get('x-csrf-token') });
    const route = routes[`${method} ${url}`];
    if (url === '/v1/console/live') return new Promise<Response>(() => undefined); // stays connecting
    const r = route ? route(body) : { status: 404, body: { code: 'API_ERR_NOT_FOUND', message: `no route ${method} ${url}` } };
    return new Response(r.body === undefined ? null : JSON.stringify(r.body), { status: r.status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { fetchImpl, calls };
}

const agent = { id: 'a_li', name: '李娜', role: 'agent', team: 'team_east', groups: ['pre_sale'], manages: [], presence: 'online', capacity: { '*': 3 } };
const conv = (status: string) => ({
  conversation_id: 'wc_1',
  customer_id: 'cus_1',
  agent_id: 'a_li',
  status,
  channel: 'web',
  tag: 'VIP',
  intent: 'pre_sale',
  group: 'pre_sale',
  offered_at: 0,
  accept_by: 60_000,
  assigned_at: null,
  preview: '多少钱？',
});
const baseRoutes = {
  'GET /v1/console/me': () => ({ status: 200, body: { agent, role: 'agent' } }),
  'GET /v1/console/queue': () => ({ status: 200, body: { queues: [] } }),
  'GET /v1/console/conversations?status=offered': () => ({ status: 200, body: { conversations: [conv('offered')] } }),
  'GET /v1/console/conversations?status=active': () => ({ status: 200, body: { conversations: [] } }),
  'GET /v1/console/conversations/wc_1': () => ({
    status: 200,
    body: {
      conversation: conv('active'),
      customer_id: 'cus_1',
      messages: [{ at: 1, direction: 'in', channel: 'web', text: '多少钱？', agent_id: null }],
      suggestions: [],
    },
  }),
  'GET /v1/customers/cus_1': () => ({
    status: 200,
    body: { id: 'cus_1', external_id: null, identifiers: [], tag: 'VIP', tags: [], crm: { status: 'ok', fields: {}, orders: [] } },
  }),
  'GET /v1/customers/cus_1/timeline?limit=50': () => ({ status: 200, body: { events: [] } }),
};

let controller: ConsoleController | null = null;
afterEach(() => controller?.stop());

function start(routes: Record<string, (body: unknown) => { status: number; body?: unknown }>, onUnauthorized: () => void = () => undefined) {
  const server = fakeServer(routes);
  const states: ConsoleState[] = [];
  controller = createConsoleController({ fetch: server.fetchImpl, getKey: () => 'k_agent', onUnauthorized, onChange: (s) => states.push(s), pollMs: 60_000 });
  return { server, states, c: controller };
}
const settle = () => new Promise((r) => setTimeout(r, 30));

describe('console controller', () => {
  it('loads what the key may see, accepts an offer and opens it with the customer beside it', async () => {
    const { server, c } = start({
      ...baseRoutes,
      'POST /v1/console/conversations/wc_1/accept': () => ({ status: 200, body: { status: 'active', agent_id: 'a_li' } }),
    });
    await c.start();
    expect(c.state.me?.agent?.id).toBe('a_li');
    expect(c.state.offered.map((x) => x.conversation_id)).toEqual(['wc_1']);
    await c.accept('wc_1');
    await settle();
    expect(c.state.active.map((x) => [x.conversation_id, x.status])).toEqual([['wc_1', 'active']]);
    expect(c.state.selected?.messages.map((m) => m.text)).toEqual(['多少钱？']);
    expect(c.state.customer?.profile?.tag).toBe('VIP');
    expect(c.state.notice?.key).toBe('console.done.accepted');
    expect(server.calls.every((x) => x.auth === 'k_agent')).toBe(true);
  });

  it('reports a taken conversation as a conflict and a missing console as unavailable', async () => {
    const { c } = start({
      ...baseRoutes,
      'POST /v1/console/conversations/wc_1/accept': () => ({ status: 409, body: { code: 'ROUTE_ERR_CONFLICT', message: 'taken' } }),
    });
    await c.start();
    await c.accept('wc_1');
    expect(c.state.notice).toMatchObject({ key: 'console.error.conflict', tone: 'error', params: { message: 'ROUTE_ERR_CONFLICT: taken' } });
    expect(c.state.offered).toHaveLength(1);
    c.stop();
    const other = start({});
    await other.c.start();
    expect(other.c.state.blocked?.key).toBe('console.blocked.unavailable');
  });

  it('sends replies as the signed-in agent with an idempotency id, and validates forms before calling', async () => {
    const { server, c } = start({ ...baseRoutes, 'POST /v1/conversations/wc_1/messages': () => ({ status: 201, body: { id: 'x', event_id: 'e' } }) });
    await c.start();
    c.select('wc_1');
    await settle();
    expect(await c.reply('  有货，3999 元  ')).toBe(true);
    const sent = server.calls.find((x) => x.url === '/v1/conversations/wc_1/messages');
    expect(sent?.body).toMatchObject({ text: '有货，3999 元', agent_id: 'a_li' });
    expect((sent?.body as { client_msg_id: string }).client_msg_id).toMatch(/^[A-Za-z0-9_.:-]{1,64}$/);
    expect(c.state.selected?.messages.at(-1)).toMatchObject({ text: '有货，3999 元', direction: 'out' });
    const before = server.calls.length;
    await c.close('deal', '');
    await c.transfer('agent', ' ', '');
    expect(server.calls.length).toBe(before);
    expect(c.state.notice?.key).toBe('console.transfer.targetRequired');
  });

  it('finds a customer by phone and opens the profile without a conversation; several are listed, none said', async () => {
    const hit = (id: string) => ({ id, external_id: null, identifiers: [], matched: ['phone:+8613800000000'] });
    const { server, c } = start({
      ...baseRoutes,
      'GET /v1/customers?phone=138+0000+0000': () => ({ status: 200, body: { identifiers: ['phone:+8613800000000'], customers: [hit('cus_1')] } }),
      'GET /v1/customers?email=two%40example.com': () => ({
        status: 200,
        body: { identifiers: ['email:two@example.com'], customers: [hit('cus_1'), hit('cus_2')] },
      }),
      'GET /v1/customers?external_id=nobody': () => ({ status: 200, body: { identifiers: ['ext:nobody'], customers: [] } }),
      'GET /v1/customers?phone=12': () => ({ status: 400, body: { code: 'API_ERR_SEARCH_BAD_PHONE', message: 'phone is not a phone number' } }),
    });
    await c.start();
    c.select('wc_1');
    await settle();
    await c.search('auto', ' 138 0000 0000 ');
    expect(c.state.search).toMatchObject({ status: 'found', text: '138 0000 0000' });
    expect([c.state.selected, c.state.customer?.id, c.state.customer?.profile?.tag]).toEqual([null, 'cus_1', 'VIP']);
    await c.search('email', 'two@example.com');
    expect([c.state.search.status, c.state.search.hits.map((x) => x.id)]).toEqual(['found', ['cus_1', 'cus_2']]);
    await c.search('auto', 'nobody');
    expect(c.state.search.status).toBe('none');
    await c.search('phone', '12');
    expect(c.state.search.error).toEqual({ key: 'console.search.badPhone' });
    const before = server.calls.length;
    await c.search('auto', '   ');
    expect([server.calls.length, c.state.search.error?.key]).toEqual([before, 'console.search.emptyInput']);
    // an internal id opens directly, without a search request
    await c.search('auto', 'cus_1');
    expect(server.calls.slice(before).map((x) => x.url)).toEqual(['/v1/customers/cus_1', '/v1/customers/cus_1/timeline?limit=50']);
  });

  it('a rejected key signs out', async () => {
    let signedOut = 0;
    const { c } = start({ 'GET /v1/console/me': () => ({ status: 401, body: { code: 'API_ERR_UNAUTHORIZED', message: 'no' } }) }, () => void signedOut++);
    await c.start();
    expect(signedOut).toBe(1);
    expect(c.state.me).toBeNull();
  });
});
