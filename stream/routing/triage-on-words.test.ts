import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../shared/envelope.js';
import { MemoryStateStore } from '../state/memory-state-store.js';
import { agentLoadKey } from './queue-keys.js';
import { loadRoster } from './roster.js';
import { deskWorld } from './test/desk-world.js';

/**
 * The moment of triage (issue 11, part 3): a conversation that opens with a
 * text-less conversation.started is triaged again on the customer's first
 * words while it still waits, once. The events below have the shapes the
 * channel adapters emit (ingest/channels/*: web chat and e-mail send
 * conversation.started without text, then message.received with it; the
 * app SDK sends what the app tracks; WhatsApp conversations reach routing
 * through /v1/events with the webhook's message fields). The same flows
 * through the real adapters run in test/e2e/routing-triage.e2e.test.ts.
 */
const ROSTER = loadRoster(undefined); // the demo roster: pre_sale, senior_sales, tech_support, after_sale, complaints

type Channel = 'web' | 'email' | 'app' | 'whatsapp';
const START_PROPS: Record<Channel, Record<string, unknown>> = {
  web: { site_key: 'pk_shop_12345678' },
  email: { provider: 'inbound_parse' },
  app: { app: { os: 'iOS 18', app_version: '3.1.0' } },
  whatsapp: { source: 'whatsapp_bot' },
};
const words = (ch: Channel, text: string, n: number): Record<string, unknown> => {
  switch (ch) {
    case 'web':
      return { seq: n, client_msg_id: `m${n}`, text, site_key: 'pk_shop_12345678' };
    case 'email':
      return {
        provider: 'inbound_parse',
        direction: 'inbound',
        message_id: `<m${n}@mail.example.cn>`,
        subject: '',
        text,
        has_html: false,
        to: 'sales@inbound.example.com',
      };
    case 'app':
      return { text, app: { os: 'iOS 18', app_version: '3.1.0' } };
    case 'whatsapp':
      return { provider: 'whatsapp_cloud', direction: 'inbound', message_type: 'text', business_phone_id: '106540352242922', profile_name: '王小明', text };
  }
};

async function world(defaultPresence: 'online' | 'offline' = 'offline') {
  const state = new MemoryStateStore({ clock: { now: () => 0 } });
  const w = await deskWorld([state], { roster: ROSTER, defaultPresence });
  const { desk, service } = w.workers[0];
  let seq = 0;
  const ev = (
    id: string,
    ch: Channel,
    type: 'conversation.started' | 'message.received',
    properties: Record<string, unknown>,
    tag?: string,
  ): EventEnvelope => ({
    id: `${id}:${type}:${++seq}`,
    producer: ch === 'web' ? 'webchat' : 'k-ingest',
    type,
    channel: ch,
    occurred_at: w.clock.now(),
    received_at: w.clock.now(),
    customer_key: `k-${id}`,
    customer: { external_id: id },
    conversation_id: id,
    agent_id: null,
    // Ingest stamps a known customer's latest tag on every event that states none (ingest/customer-dims.ts).
    properties: tag ? { ...properties, tag } : properties,
  });
  const start = (id: string, ch: Channel = 'web', tag?: string) => service.intake(ev(id, ch, 'conversation.started', START_PROPS[ch], tag));
  const say = (id: string, text: string, ch: Channel = 'web', tag?: string) => {
    const e = ev(id, ch, 'message.received', words(ch, text, seq + 1), tag);
    return { e, done: service.intake(e) };
  };
  const said = async (id: string, text: string, ch: Channel = 'web', tag?: string) => say(id, text, ch, tag).done;
  return { ...w, state, desk, service, start, said, say, close: () => w.bus.close() };
}

describe('triage on the customer words', () => {
  it('routes the 12 zh/en conversations of the report by the first customer message, not by the empty start', async () => {
    const cases: Array<[id: string, ch: Channel, tag: string | undefined, text: string, group: string, intent: string]> = [
      ['vip-quote-zh', 'email', 'VIP', '你好，我们公司想采购企业版，能给个报价吗？', 'senior_sales', 'price_inquiry'],
      ['vip-quote-en', 'web', 'VIP', 'Could you send us a quote for the enterprise plan, 200 seats?', 'senior_sales', 'price_inquiry'],
      ['crash-zh', 'app', undefined, 'APP一打开就闪退，怎么办', 'tech_support', 'tech_support'],
      ['crash-en', 'app', undefined, 'The app keeps crashing when I open it on Android', 'tech_support', 'tech_support'],
      ['refund-zh', 'whatsapp', undefined, '我要退款，订单号 20260102', 'after_sale', 'after_sale'],
      ['refund-en', 'email', undefined, 'I want a refund for my last order', 'after_sale', 'after_sale'],
      ['complaint-zh', 'web', undefined, '客服态度太差了，我要投诉', 'complaints', 'complaint'],
      ['complaint-en', 'whatsapp', undefined, 'This is the worst service I have ever had, I want to complain', 'complaints', 'complaint'],
      ['price-zh', 'web', undefined, '请问专业版多少钱？', 'pre_sale', 'price_inquiry'],
      ['price-en', 'app', undefined, 'How much is the pro plan per user?', 'pre_sale', 'price_inquiry'],
      ['login-zh', 'whatsapp', undefined, '登录不了，一直提示密码错误', 'tech_support', 'tech_support'],
      ['invoice-en', 'email', undefined, 'Please send me an invoice for order 7788', 'after_sale', 'after_sale'],
    ];
    const w = await world();
    for (const [id, ch, tag] of cases) await w.start(id, ch, tag);
    for (const [id, ch, tag, text] of cases) await w.said(id, text, ch, tag);
    const got = await Promise.all(cases.map(async ([id]) => [id, (await w.desk.store.conv(id))?.group, (await w.desk.meta.get(id))?.intent]));
    expect(got).toEqual(cases.map(([id, , , , group, intent]) => [id, group, intent]));
    // Each sits in exactly one queue: the right one.
    for (const [id, , , , group] of cases) {
      const holders = await Promise.all(w.desk.groups().map(async (g) => ((await w.desk.store.queue(g)).some((e) => e[1] === id) ? g : null)));
      expect(holders.filter(Boolean)).toEqual([group]);
    }
    await w.close();
  });

  it('re-triages once: a later message does not move the conversation again, and a replayed message changes nothing', async () => {
    const w = await world();
    await w.start('c1');
    const first = w.say('c1', 'APP一打开就闪退，怎么办');
    await first.done;
    expect((await w.desk.store.conv('c1'))?.group).toBe('tech_support');
    await w.said('c1', '我要退款');
    expect((await w.desk.store.conv('c1'))?.group).toBe('tech_support');
    await w.service.intake(first.e); // a redelivered batch
    expect((await w.desk.store.conv('c1'))?.group).toBe('tech_support');
    expect((await w.desk.meta.get('c1'))?.intent).toBe('tech_support');
    expect((await w.desk.store.queue('tech_support')).map((e) => e[1])).toEqual(['c1']);
    await w.close();
  });

  it('withdraws a pending offer when the words name another group, freeing the agent slot', async () => {
    const w = await world();
    await w.desk.setPresence('ag_zhang', 'online');
    await w.start('c2');
    await w.desk.dispatch('pre_sale');
    expect(await w.desk.store.conv('c2')).toMatchObject({ status: 'offered', agent: 'ag_zhang', group: 'pre_sale' });
    await w.said('c2', 'I want a refund for my last order');
    expect(await w.desk.store.conv('c2')).toMatchObject({ status: 'queued', agent: '', group: 'after_sale' });
    expect(await w.state.get(agentLoadKey('ag_zhang', '*'))).toBe('0');
    expect(await w.desk.store.open()).toEqual({});
    await expect(w.desk.accept('ag_zhang', 'c2')).rejects.toMatchObject({ code: 'ROUTE_ERR_CONFLICT' });
    await w.close();
  });

  it('keeps a pending offer when the words confirm its group', async () => {
    const w = await world();
    await w.desk.setPresence('ag_zhang', 'online');
    await w.start('c3');
    await w.desk.dispatch('pre_sale');
    await w.said('c3', '请问专业版多少钱？');
    expect(await w.desk.store.conv('c3')).toMatchObject({ status: 'offered', agent: 'ag_zhang', group: 'pre_sale' });
    expect((await w.desk.meta.get('c3'))?.intent).toBe('price_inquiry');
    expect(await w.desk.accept('ag_zhang', 'c3')).toEqual({ status: 'active', agent_id: 'ag_zhang' });
    await w.close();
  });

  it('never overrides an assignment or an agent transfer', async () => {
    const w = await world();
    await w.desk.setPresence('ag_zhang', 'online');
    await w.start('active');
    await w.start('moved');
    await w.desk.dispatch('pre_sale');
    await w.desk.accept('ag_zhang', 'active');
    await w.desk.transfer('ag_zhang', 'moved', { group: 'tech_support' });
    await w.said('active', '我要退款，订单号 20260102');
    await w.said('moved', '我要退款，订单号 20260102');
    expect(await w.desk.store.conv('active')).toMatchObject({ status: 'active', agent: 'ag_zhang', group: 'pre_sale' });
    expect(await w.desk.store.conv('moved')).toMatchObject({ status: 'queued', group: 'tech_support' });
    expect((await w.desk.store.queue('after_sale')).length).toBe(0);
    await w.close();
  });

  it('waits for words: a media placeholder or a stated intent is not re-triaged on', async () => {
    const w = await world();
    await w.start('c4', 'whatsapp');
    await w.said('c4', '[image]', 'whatsapp');
    expect((await w.desk.store.conv('c4'))?.group).toBe('pre_sale');
    await w.said('c4', '我要退款', 'whatsapp');
    expect((await w.desk.store.conv('c4'))?.group).toBe('after_sale');
    // A producer that states the intent (an IVR menu, a bot) has triaged already.
    await w.service.intake({
      id: 'ivr-1',
      producer: 'ivr',
      type: 'conversation.started',
      channel: 'voice',
      occurred_at: w.clock.now(),
      received_at: w.clock.now(),
      customer_key: 'k-ivr',
      customer: {},
      conversation_id: 'c5',
      agent_id: null,
      properties: { intent: 'tech_support' },
    });
    await w.said('c5', '我要退款');
    expect((await w.desk.store.conv('c5'))?.group).toBe('tech_support');
    await w.close();
  });
});
