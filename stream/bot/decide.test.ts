import { describe, expect, it } from 'vitest';
import type { IntentResult } from '../intent/intent-port.js';
import { answerConfidence, decide } from './decide.js';
import type { Article } from './knowledge-base.js';
import type { Retrieval } from './retrieval.js';

const art = (id: string, intents: Article['intents'] = []): Article => ({ id, title: id, lang: 'zh', intents, tags: [], body: 'x', file: `${id}.md` });
const intent = (i: IntentResult['intent'], confidence = 0.9): IntentResult => ({ intent: i, confidence, language: 'zh', signals: [] });
const ret = (...hits: Array<[Article, number, number]>): Retrieval => ({
  lang: 'zh',
  hits: hits.map(([article, score, coverage]) => ({ article, score, coverage })),
});

const refund = art('refund-zh', ['after_sale']);
const invoice = art('invoice-zh', ['after_sale']);

describe('decide', () => {
  it('answers a clear, covered, intent-agreeing match', () => {
    const d = decide('退款多久到账', intent('after_sale'), ret([refund, 100, 0.8], [invoice, 10, 0.1]));
    expect(d).toMatchObject({ kind: 'answer', article: { id: 'refund-zh' } });
    expect(d.confidence).toBeCloseTo(0.5 * 0.8 + 0.35 * 0.9 + 0.15, 4);
  });
  it('always hands complaint and human_agent over, however good the match', () => {
    for (const i of ['complaint', 'human_agent'] as const) {
      const d = decide('退款太慢了', intent(i), ret([refund, 100, 1]));
      expect(d).toMatchObject({ kind: 'handoff', reason: 'intent', intent: i });
      if (d.kind === 'handoff') expect(d.summary).toContain('退款太慢了');
    }
  });
  it('hands over without hits, and under the threshold', () => {
    expect(decide('天气', intent('other'), ret())).toMatchObject({ kind: 'handoff', reason: 'no_match', confidence: 0 });
    // two articles equally good: no margin → not confident
    expect(decide('售后', intent('after_sale'), ret([refund, 50, 0.5], [invoice, 50, 0.5]))).toMatchObject({ kind: 'handoff', reason: 'low_confidence' });
    // the threshold is the caller's
    const r = ret([refund, 100, 0.5], [invoice, 60, 0.5]);
    expect(decide('退款', intent('after_sale'), r, 0.9).kind).toBe('handoff');
    expect(decide('退款', intent('after_sale'), r, 0.3).kind).toBe('answer');
  });
  it('intent agreement raises, a confident disagreeing intent lowers the confidence', () => {
    const r = ret([refund, 100, 0.6], [invoice, 40, 0.2]);
    const agree = answerConfidence(r, intent('after_sale'));
    const neutral = answerConfidence(r, intent('other'));
    const disagree = answerConfidence(r, intent('logistics', 0.9));
    const unsure = answerConfidence(r, intent('logistics', 0.4));
    expect(agree).toBeGreaterThan(neutral);
    expect(neutral).toBeGreaterThan(disagree);
    expect(unsure).toBe(neutral);
  });
  it('cuts a long question in the summary', () => {
    const d = decide('啊'.repeat(500), intent('complaint', 0.77), ret());
    expect(d.kind === 'handoff' && d.summary).toMatch(/^complaint \(77%\), intent: 啊+…$/);
    expect(d.kind === 'handoff' && [...d.summary].length).toBeLessThan(160);
  });
});
