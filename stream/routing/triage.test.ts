import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../shared/envelope.js';
import { MemoryStateStore } from '../state/memory-state-store.js';
import { deskWorld, SMALL_ROSTER } from './test/desk-world.js';
import { groupFor, statedIntent, triageText } from './triage.js';

const event = (properties: Record<string, unknown>): EventEnvelope => ({
  id: 'e1',
  producer: 'test',
  type: 'message.received',
  channel: 'whatsapp',
  occurred_at: 0,
  received_at: 0,
  customer_key: 'k',
  customer: {},
  conversation_id: 'c',
  agent_id: null,
  properties,
});

describe('triage words and groups', () => {
  it('reads the text, after an e-mail subject, and takes a media placeholder for no words', () => {
    expect(triageText(event({ text: '  我要退款 ' }))).toBe('我要退款');
    expect(triageText(event({ subject: '询价', text: '你好，请报价 200 个席位。' }))).toBe('询价\n你好，请报价 200 个席位。');
    expect(triageText(event({ subject: '', text: '' }))).toBe('');
    for (const t of ['[image]', '[location]', '[sticker]', '[Voice]']) expect(triageText(event({ text: t }))).toBe('');
    // A caption or a sentence that merely starts with brackets is words.
    expect(triageText(event({ text: '[image] the screen after the crash' }))).toBe('[image] the screen after the crash');
    expect(triageText(event({ body: 'refund please' }))).toBe('refund please');
  });

  it('takes only a known stated intent', () => {
    expect(statedIntent(event({ intent: 'tech_support' }))).toBe('tech_support');
    expect(statedIntent(event({ intent: 'logistics' }))).toBe('logistics');
    expect(statedIntent(event({ intent: 'pre_sale' }))).toBe('price_inquiry'); // a pre-issue-15 label
    expect(statedIntent(event({ intent: 'bogus' }))).toBeNull();
    expect(statedIntent(event({}))).toBeNull();
  });

  it('picks the rule group, else the intent mapping, else a group named like the intent, else the first queue', () => {
    const conv = (intent: string, tag: 'VIP' | 'normal' = 'normal') => ({ id: 'c', tag, channel: 'web', intent, priority: 0, enqueuedAt: 0 });
    const roster = {
      ...SMALL_ROSTER,
      rules: [
        { name: 'vip', when: { tags: ['VIP' as const] }, then: { group: 'g2' } },
        { name: 'nowhere', when: { intents: ['complaint'] }, then: { group: 'gone' } },
      ],
      intentGroups: { price_inquiry: 'g1' },
    };
    expect(groupFor(roster, conv('price_inquiry'))).toBe('g1');
    expect(groupFor(roster, conv('price_inquiry', 'VIP'))).toBe('g2');
    expect(groupFor(roster, conv('complaint'))).toBe('g1'); // a rule naming no queue: the first queue
    expect(
      groupFor({ ...roster, queues: [...roster.queues, { group: 'tech_support', policy: 'least_loaded' as const, slaMs: 60_000 }] }, conv('tech_support')),
    ).toBe('tech_support');
    expect(groupFor(roster, conv('other'))).toBe('g1');
  });
});

describe('routing triage', () => {
  it('takes a stated intent as given and classifies the text otherwise', async () => {
    const state = new MemoryStateStore({ clock: { now: () => Date.now() } });
    const world = await deskWorld([state]);
    const { service, desk } = world.workers[0];
    const started = (id: string, properties: Record<string, unknown>): EventEnvelope => ({
      id: `s-${id}`,
      producer: 'test',
      type: 'conversation.started',
      channel: 'web',
      occurred_at: world.clock.now(),
      received_at: world.clock.now(),
      customer_key: `k-${id}`,
      customer: { external_id: id },
      conversation_id: id,
      agent_id: null,
      properties,
    });
    await service.intake(started('x1', { intent: 'pre_sale' })); // no text: the stated (legacy) intent decides → price_inquiry → g1
    await service.intake(started('x2', { text: '我想买企业版，多少钱？' })); // classified purchase or price_inquiry → g1
    await service.intake(started('x3', { intent: 'not-an-intent' })); // unknown and no text → other → g2
    expect((await desk.store.conv('x1'))?.group).toBe('g1');
    expect((await desk.store.conv('x2'))?.group).toBe('g1');
    expect((await desk.store.conv('x3'))?.group).toBe('g2');
    await state.close();
  });
});
