import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { startTestOmnilane, type TestOmnilane } from '../support/omnilane.js';

/**
 * Routing end to end on the embedded engines: a conversation posted through
 * ingest is triaged, queued and offered to the one online pre-sale agent,
 * who accepts, replies through the customer's channel (WhatsApp, faked),
 * and closes with a deal; deal.won lands in the warehouse with the value.
 */
describe('routing end to end', () => {
  let om: TestOmnilane;
  let provider: FakeProvider;
  // A personal key per roster member (each acts as that person).
  const keys = new Map<string, string>();
  const key = (id: string) => keys.get(id)!;
  const call = async (method: string, path: string, k: string, body?: unknown) => {
    const r = await fetch(om.url + path, {
      method,
      headers: { authorization: `Bearer ${k}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: r.status, json: (await r.json()) as Record<string, any> };
  };
  const until = async <T>(fn: () => Promise<T | undefined>, what: string): Promise<T> => {
    const end = Date.now() + 15_000;
    for (;;) {
      const v = await fn();
      if (v !== undefined) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  beforeAll(async () => {
    provider = await startFakeProvider();
    om = await startTestOmnilane({ WHATSAPP_ACCESS_TOKEN: 'fake-token', WHATSAPP_PHONE_NUMBER_ID: '1000', WHATSAPP_API_URL: provider.url });
    for (const a of om.routing!.desk.roster.agents) keys.set(a.id, await om.keyFor(a.id));
  });
  afterAll(async () => {
    await om?.cleanup();
    await provider?.close();
  });

  it('offers, accepts, replies, closes with a deal → deal.won in the warehouse', async () => {
    expect((await call('PUT', '/v1/console/me/presence', key('ag_zhang'), { presence: 'online' })).status).toBe(200);
    expect((await call('GET', '/v1/console/me', key('ag_zhang'))).json).toMatchObject({
      role: 'agent',
      agent: { id: 'ag_zhang', team: 'team_east', presence: 'online' },
    });
    // No secret in a URL: a key in ?key= is ignored (401); the live feed takes the key in the header (or the cookie).
    expect((await fetch(`${om.url}/v1/console/live?key=${encodeURIComponent(key('ag_zhang'))}`)).status).toBe(401);
    const live = new AbortController();
    const feed: string[] = [];
    const sse = await fetch(`${om.url}/v1/console/live`, { headers: { authorization: `Bearer ${key('ag_zhang')}` }, signal: live.signal });
    expect(sse.headers.get('content-type')).toMatch(/text\/event-stream/);
    void (async () => {
      const dec = new TextDecoder();
      try {
        for await (const chunk of sse.body as unknown as AsyncIterable<Uint8Array>) feed.push(dec.decode(chunk));
      } catch {
        /* aborted */
      }
    })();
    expect((await fetch(`${om.url}/v1/console/live`)).status).toBe(401);
    const now = Date.now();
    const posted = await om.post('/v1/events', {
      events: [
        {
          id: 'e2e-start-1',
          type: 'conversation.started',
          channel: 'whatsapp',
          occurred_at: now,
          customer: { phone: '+8613800000001' },
          conversation_id: 'conv-e2e-1',
          properties: { text: '你好，我想买你们的高级版，多少钱？', source: 'ad_campaign' },
        },
      ],
    });
    expect(posted.status).toBe(202);

    const offer = await until(async () => {
      const r = await call('GET', '/v1/console/conversations?status=offered', key('ag_zhang'));
      return r.json.conversations?.find((c: { conversation_id: string }) => c.conversation_id === 'conv-e2e-1');
    }, 'the offer to ag_zhang');
    expect(offer).toMatchObject({ agent_id: 'ag_zhang', group: 'pre_sale', channel: 'whatsapp', intent: 'price_inquiry', status: 'offered' });

    // Another agent of the group can neither see nor take it.
    expect((await call('POST', '/v1/console/conversations/conv-e2e-1/accept', key('ag_liu'))).status).toBe(404);
    const accepted = await call('POST', '/v1/console/conversations/conv-e2e-1/accept', key('ag_zhang'));
    expect(accepted).toEqual({ status: 200, json: { status: 'active', agent_id: 'ag_zhang' } });

    // Nobody writes in another's name: another agent_id is refused; without one the reply is the caller's.
    expect(
      (await call('POST', '/v1/conversations/conv-e2e-1/messages', key('ag_zhang'), { text: '冒名', agent_id: 'someone-else', client_msg_id: 'r0' })).status,
    ).toBe(403);
    const reply = await call('POST', '/v1/conversations/conv-e2e-1/messages', key('ag_zhang'), { text: '您好，高级版每年 999 元。', client_msg_id: 'r1' });
    expect(reply.status).toBe(201);
    expect(provider.requests.some((r) => r.body.includes('999'))).toBe(true);

    const closed = await call('POST', '/v1/console/conversations/conv-e2e-1/close', key('ag_zhang'), { outcome: 'deal', value: 999 });
    expect(closed).toEqual({ status: 200, json: { status: 'closed' } });
    expect((await call('POST', '/v1/console/conversations/conv-e2e-1/close', key('ag_zhang'), { outcome: 'deal', value: 999 })).status).toBe(200);

    const detail = await until(async () => {
      const r = await call('GET', '/v1/console/conversations/conv-e2e-1', key('ag_zhang'));
      return r.json.messages?.some((m: { direction: string }) => m.direction === 'out') ? r.json : undefined;
    }, 'the reply in the console');
    const customer = detail.customer_id as string;
    expect(detail.messages.find((m: { direction: string }) => m.direction === 'out')).toMatchObject({ agent_id: 'ag_zhang', channel: 'whatsapp' });

    // The agent sees this customer's profile; an agent of another group does not.
    expect((await call('GET', `/v1/customers/${customer}`, key('ag_zhang'))).status).toBe(200);
    expect((await call('GET', `/v1/customers/${customer}/timeline`, key('ag_liu'))).status).toBe(404);
    const text = feed.join('');
    live.abort();
    for (const ev of ['offer', 'assigned', 'message', 'closed']) expect(text).toContain(`event: ${ev}\ndata: {"conversation_id":"conv-e2e-1"`);

    const events = await until(async () => {
      await om.drained();
      const r = await om.get(`/v1/customers/${customer}/timeline?limit=100`);
      const body = (await r.json()) as { events?: Array<{ type: string; agent_id: string | null; properties: Record<string, unknown> }> };
      return body.events?.some((e) => e.type === 'deal.won') ? body.events : undefined;
    }, 'deal.won in the warehouse');
    const byType = (t: string) => events.filter((e) => e.type === t);
    expect(byType('deal.won')).toHaveLength(1);
    expect(byType('deal.won')[0]).toMatchObject({
      agent_id: 'ag_zhang',
      properties: { value: 999, team: 'team_east', group: 'pre_sale', source: 'ad_campaign' },
    });
    expect(byType('conversation.assigned')).toHaveLength(1);
    expect(byType('conversation.assigned')[0].properties).toMatchObject({ reason: 'route', group: 'pre_sale', policy: 'least_loaded', sla_met: true });
    expect(byType('message.sent')[0]).toMatchObject({ agent_id: 'ag_zhang', properties: { team: 'team_east', group: 'pre_sale' } });
    expect(byType('conversation.closed')[0].properties).toMatchObject({ outcome: 'deal' });
  }, 60_000);
});
