import { describe, expect, it } from 'vitest';
import { agreementReport, formatAgreementReport } from './agreement.js';

const line = (o: Record<string, unknown>) => JSON.stringify({ agent_id: 'ag_zhang', at: '2026-11-24T09:00:00Z', ...o });

describe('agreementReport', () => {
  it('counts agreement, the model × agent confusion and per-intent counts, the latest correction per message', () => {
    const jsonl = [
      line({ text: '能寄到公司吗', intent: 'logistics', model_intent: 'logistics', model_confidence: 0.9, conversation_id: 'c1', message_id: 'm1' }),
      line({ text: '多少钱', intent: 'price_inquiry', model_intent: 'feature_comparison', model_confidence: 0.5, conversation_id: 'c2', message_id: 'm2' }),
      // c2/m2 corrected again later: this one counts, the first does not
      line({
        text: '多少钱',
        intent: 'purchase',
        model_intent: 'feature_comparison',
        model_confidence: 0.5,
        conversation_id: 'c2',
        message_id: 'm2',
        at: '2026-11-24T10:00:00Z',
      }),
      // an older line for c1/m1 appended after the newer one: the newer one still wins
      line({
        text: '能寄到公司吗',
        intent: 'other',
        model_intent: 'logistics',
        model_confidence: 0.9,
        conversation_id: 'c1',
        message_id: 'm1',
        at: '2026-11-23T09:00:00Z',
      }),
      line({ text: '我要投诉', intent: 'complaint', model_intent: 'complaint', model_confidence: 0.95, conversation_id: 'c3', message_id: 'm3' }),
      // a hand-written line without a prediction (train reads it; agreement cannot), and garbage
      line({ text: 'hello', intent: 'other' }),
      'not json',
      '',
    ].join('\n');
    const bot = [JSON.stringify({ verdict: 'wrong' }), JSON.stringify({ verdict: 'wrong' }), JSON.stringify({ verdict: 'right' }), '{'].join('\n');
    const r = agreementReport(jsonl, bot);
    expect(r.n).toBe(3);
    expect(r.agreed).toBe(2);
    expect(r.rate).toBeCloseTo(2 / 3);
    expect(r.confusion.feature_comparison.purchase).toBe(1);
    expect(r.confusion.feature_comparison.price_inquiry).toBe(0);
    expect(r.confusion.logistics.logistics).toBe(1);
    expect(r.confusion.logistics.other).toBe(0);
    expect(r.perIntent.feature_comparison).toEqual({ model: 1, agent: 0, agreed: 0 });
    expect(r.perIntent.purchase).toEqual({ model: 0, agent: 1, agreed: 0 });
    expect(r.perIntent.complaint).toEqual({ model: 1, agent: 1, agreed: 1 });
    expect(r.skipped).toBe(2);
    expect(r.bot).toEqual({ wrong: 2, right: 1 });
    const total = Object.values(r.confusion)
      .flatMap((row) => Object.values(row))
      .reduce((a, b) => a + b, 0);
    expect(total).toBe(r.n);
  });

  it('keys lines without ids by text, and reports no rate for no data', () => {
    expect(agreementReport('').rate).toBeNull();
    const r = agreementReport(
      [
        line({ text: 'x', intent: 'other', model_intent: 'other' }),
        line({ text: 'x', intent: 'purchase', model_intent: 'other', at: '2026-11-25T00:00:00Z' }),
      ].join('\n'),
    );
    expect(r).toMatchObject({ n: 1, agreed: 0, rate: 0 });
    expect(formatAgreementReport(r)).toMatch(/corrections 1 {3}agreed with the model 0 {3}agreement 0\.000/);
  });
});
