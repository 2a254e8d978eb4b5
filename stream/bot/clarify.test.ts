import { describe, expect, it } from 'vitest';
import { BuiltinIntentClassifier } from '../intent/builtin-classifier.js';
import { MemoryStateStore } from '../state/memory-state-store.js';
import { manualClock } from '../../shared/clock.js';
import { ClarifyStore, clarifyQuestion, CLARIFY_TOPICS, isUnclear, parseMenuChoice } from './clarify.js';
import { FaqBot } from './faq-bot.js';
import { loadKnowledgeBase } from './knowledge-base.js';

describe('clarifying questions', () => {
  it('numbers every topic in zh and en', () => {
    for (const lang of ['zh', 'en'] as const) {
      const q = clarifyQuestion('unclear', lang).split('\n');
      expect(q).toHaveLength(CLARIFY_TOPICS.length + 1);
      expect(q.slice(1).map((l) => l.slice(0, 3))).toEqual(CLARIFY_TOPICS.map((_, i) => `${i + 1}. `));
    }
    expect(clarifyQuestion('route', 'zh')).toMatch(/^好的，马上为您转人工/);
  });

  it('reads a menu choice in the forms customers type, and nothing else', () => {
    const cases: Array<[string, string | null]> = [
      ['1', 'price_inquiry'],
      ['２', 'after_sale'],
      ['3.', 'tech_support'],
      ['选4', 'logistics'],
      ['第五个', 'complaint'],
      ['option 2', 'after_sale'],
      [' #3 ', 'tech_support'],
      ['二', 'after_sale'],
      ['6', null],
      ['0', null],
      ['12', null],
      ['2 个月前买的', null],
      ['退款', null],
      ['', null],
    ];
    for (const [text, intent] of cases) expect([text, parseMenuChoice(text)]).toEqual([text, intent]);
  });

  it('calls a greeting or a vague line unclear, but not a clear topic the bot cannot answer, nor a complaint', () => {
    const bot = new FaqBot({ articles: loadKnowledgeBase().articles, classifier: new BuiltinIntentClassifier() });
    const unclear = (t: string) => {
      const r = bot.ask(t);
      return isUnclear(r.decision, r.intent);
    };
    expect(unclear('hello')).toBe(true);
    expect(unclear('嗯')).toBe(true);
    expect(unclear('我的退款申请提交三天了还没到账，订单号20391，怎么回事')).toBe(false);
    expect(unclear('你们的客服太差劲了，我要投诉')).toBe(false);
    expect(unclear('发票抬头写错了能重开吗')).toBe(false); // answered
  });

  it('keeps the open question per conversation in the StateStore, for a day', async () => {
    const clock = manualClock(1_764_000_000_000);
    const state = new MemoryStateStore({ clock });
    const s = new ClarifyStore(state);
    await s.put('c1', { kind: 'unclear', asked: 1, question: 'x'.repeat(900), lang: 'en', event_id: 'e1' });
    expect((await s.get('c1'))?.question).toHaveLength(500);
    expect(await s.get('c2')).toBeNull();
    expect(await state.pttl('bot:clarify:c1')).toBeGreaterThan(23 * 3600_000);
    await s.clear('c1');
    expect(await s.get('c1')).toBeNull();
  });
});
