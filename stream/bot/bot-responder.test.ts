import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../shared/clock.js';
import type { EventEnvelope } from '../../shared/envelope.js';
import { silentLogger } from '../../shared/logger.js';
import { InProcessBus } from '../bus/in-process-bus.js';
import { BuiltinIntentClassifier } from '../intent/builtin-classifier.js';
import { loadRoster } from '../routing/roster.js';
import { RoutingService } from '../routing/routing-service.js';
import { defaultPriorityRules } from '../sessions/priority.js';
import { MemoryStateStore } from '../state/memory-state-store.js';
import { BotResponder, type BotOutbound } from './bot-responder.js';
import { botSwitch } from './bot-switch.js';
import { FaqBot } from './faq-bot.js';
import { loadKnowledgeBase } from './knowledge-base.js';
import { testDesk } from '../../test/support/routing.js';

const bot = new FaqBot({ articles: loadKnowledgeBase().articles });
let closeBus: (() => Promise<void>) | undefined;
afterEach(async () => closeBus?.());

/** Routing on the demo roster with every agent offline, so conversations wait in their queues; the bot wired in. */
async function world(channels = ['web', 'whatsapp'], rosterDoc?: (r: ReturnType<typeof loadRoster>) => void) {
  const clock = manualClock(1_764_000_000_000);
  const bus = new InProcessBus({ clock });
  await bus.ensureTopic('omnilane.events', 1);
  closeBus = () => bus.close();
  const roster = loadRoster(undefined);
  rosterDoc?.(roster);
  const state = new MemoryStateStore({ clock });
  const desk = testDesk({ state, bus, clock, roster, seed: 1, ttlMs: 0, defaultPresence: 'offline' });
  const sent: BotOutbound[] = [];
  const responder = new BotResponder({
    bot,
    allowed: botSwitch({ channels, queues: roster.queues }),
    desk,
    state,
    clock,
    log: silentLogger(),
    reply: async (m) => void sent.push(m),
  });
  const service = new RoutingService({
    desk,
    warehouse: { append: async () => undefined },
    classifier: new BuiltinIntentClassifier(),
    priority: defaultPriorityRules(),
    bot: responder,
  });
  let n = 0;
  const say = async (conv: string, text: string, channel = 'web') => {
    const e: EventEnvelope = {
      id: `m${++n}`,
      producer: 'test',
      type: 'message.received',
      channel,
      occurred_at: clock.now(),
      received_at: clock.now(),
      customer_key: `k-${conv}`,
      customer: { external_id: conv },
      conversation_id: conv,
      agent_id: null,
      properties: { text },
    };
    await service.intake(e);
    await responder.idle();
    return e;
  };
  return { desk, responder, sent, say, state };
}

describe('BotResponder on the live path', () => {
  it('answers a covered question on a queued conversation, as a bot message, and leaves it queued', async () => {
    const w = await world();
    await w.say('c1', '发票抬头写错了能重开吗');
    expect(w.sent).toEqual([
      {
        conversationId: 'c1',
        channel: 'web',
        text: expect.stringContaining('作废重开'),
        messageId: 'bot-m1',
        properties: { bot: true, article_id: 'invoice-zh', confidence: expect.any(Number) },
      },
    ]);
    expect((await w.desk.store.conv('c1'))?.status).toBe('queued');
    expect((await w.desk.meta.get('c1'))?.handoff).toBeUndefined();
  });

  it('hands a complaint over: stamps intent and summary in the meta, tells the customer, then stays quiet', async () => {
    const w = await world();
    await w.say('c2', '你们的客服太差劲了，我要投诉');
    const meta = await w.desk.meta.get('c2');
    expect(meta?.handoff).toMatchObject({ reason: 'intent', intent: 'complaint', event_id: 'm1' });
    expect(meta?.handoff?.summary).toContain('我要投诉');
    expect(meta?.messages.map((m) => m.text)).toEqual(['你们的客服太差劲了，我要投诉']); // the transcript
    expect(w.sent).toHaveLength(1);
    expect(w.sent[0]).toMatchObject({ text: expect.stringMatching(/人工客服/), properties: { bot: true, handoff: true, intent: 'complaint' } });
    await w.say('c2', '发票怎么开'); // after the handoff the bot no longer answers here
    expect(w.sent).toHaveLength(1);
  });

  it('stays silent on other channels, on assigned conversations and without a sender', async () => {
    const w = await world(['whatsapp']);
    await w.say('c3', 'I forgot my password', 'web');
    expect(w.sent).toEqual([]);
    const v = await world();
    v.responder.reply = undefined;
    await v.say('c4', 'I forgot my password');
    expect(v.sent).toEqual([]);
    const u = await world();
    const e = await u.say('c5', 'hello there');
    u.sent.length = 0;
    const group = (await u.desk.store.conv('c5'))!.group;
    const agent = loadRoster(undefined).agents.find((a) => a.groups.includes(group))!;
    await u.desk.setPresence(agent.id, 'online');
    await u.desk.dispatch(group);
    await u.desk.accept(agent.id, 'c5');
    expect((await u.desk.store.conv('c5'))?.status).toBe('active');
    expect(await u.responder.handle({ ...e, id: 'm-late', properties: { text: 'I forgot my password' } })).toBe('skipped');
    expect(u.sent).toEqual([]);
  });

  it('is switched per queue: a roster queue with "bot": false keeps it silent there, other queues still get it', async () => {
    const w = await world(['web'], (r) => {
      r.queues.find((q) => q.group === 'after_sale')!.bot = false;
    });
    await w.say('c6', '发票抬头写错了能重开吗'); // after_sale → the after_sale queue: bot off
    expect((await w.desk.store.conv('c6'))?.group).toBe('after_sale');
    expect(w.sent).toEqual([]);
    await w.say('c7', '你们有哪些价格套餐'); // pre_sale: bot on
    expect(w.sent).toHaveLength(1);
    expect(w.sent[0].conversationId).toBe('c7');
  });

  it('asks which topic when a person is requested without one, and the number moves the conversation to that group', async () => {
    const w = await world();
    await w.say('c8', '转人工');
    expect((await w.desk.store.conv('c8'))?.group).toBe('pre_sale');
    expect(w.sent).toHaveLength(1);
    expect(w.sent[0].text).toMatch(/马上为您转人工[\s\S]*2\. 售后/);
    expect(w.sent[0].properties).toMatchObject({ handoff: true, clarify: 'route' });
    expect((await w.desk.meta.get('c8'))?.handoff).toMatchObject({ intent: 'human_agent' });
    expect(await w.state.get('bot:clarify:c8')).not.toBeNull();
    await w.say('c8', '２'); // full-width digit: 2 = after-sale
    expect(await w.desk.store.conv('c8')).toMatchObject({ status: 'queued', group: 'after_sale' });
    expect((await w.desk.store.queue('pre_sale')).map((q) => q[1])).not.toContain('c8');
    const meta = await w.desk.meta.get('c8');
    expect(meta).toMatchObject({ intent: 'after_sale', handoff: { intent: 'after_sale', summary: 'after_sale (100%), clarified: 转人工 / ２' } });
    expect(w.sent[1].properties).toMatchObject({ handoff_reason: 'clarified', intent: 'after_sale' });
    expect(await w.state.get('bot:clarify:c8')).toBeNull();
    await w.say('c8', '你好？');
    expect(w.sent).toHaveLength(2); // handed over: quiet again
  });

  it('asks an unclear message a menu question (at most twice), reads free text again with it, then hands over in the right group', async () => {
    const w = await world();
    await w.say('c9', 'hello');
    expect(w.sent.at(-1)?.text).toMatch(/^Sorry, I'm not quite sure[\s\S]*1\. Prices/);
    expect(w.sent.at(-1)?.properties).toMatchObject({ clarify: 'unclear' });
    await w.say('c9', 'hmm');
    expect(w.sent).toHaveLength(2);
    expect(w.sent[1].properties).toMatchObject({ clarify: 'unclear' });
    expect(JSON.parse((await w.state.get('bot:clarify:c9'))!)).toMatchObject({ asked: 2 });
    await w.say('c9', 'the app crashes every time I open the report page');
    expect(w.sent).toHaveLength(3);
    expect(w.sent[2].properties).toMatchObject({ handoff: true, handoff_reason: 'clarified', intent: 'tech_support' });
    expect(await w.desk.store.conv('c9')).toMatchObject({ group: 'tech_support' });
    expect((await w.desk.meta.get('c9'))?.handoff).toMatchObject({ reason: 'clarified', intent: 'tech_support', summary: expect.stringContaining('crashes') });
    const v = await world();
    await v.say('c12', 'hi');
    await v.say('c12', 'the courier lost my parcel'); // words the base covers, read with the question: answered
    expect(v.sent[1].properties).toMatchObject({ article_id: 'shipping-en' });
    expect(await v.state.get('bot:clarify:c12')).toBeNull();
  });

  it('a menu number on an unclear question hands over to that topic at once; a redelivered message changes nothing', async () => {
    const w = await world();
    const first = await w.say('c10', '嗯');
    expect(w.sent[0].properties).toMatchObject({ clarify: 'unclear' });
    expect(await w.responder.handle(first)).toBe('skipped');
    await w.say('c10', '第三个');
    expect(w.sent[1].properties).toMatchObject({ handoff_reason: 'clarified', intent: 'tech_support' });
    expect(await w.desk.store.conv('c10')).toMatchObject({ group: 'tech_support' });
  });

  it('hands a clear topic over at once, without a question', async () => {
    const w = await world();
    await w.say('c11', '我的退款申请提交三天了还没到账，订单号20391，怎么回事');
    expect(w.sent).toHaveLength(1);
    expect(w.sent[0].properties.clarify).toBeUndefined();
  });
});
