import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BuiltinIntentClassifier } from './builtin-classifier.js';
import { INTENTS } from './intent-port.js';
import { evaluate } from './metrics.js';
import { intentPaths, readLabelled } from './model-files.js';
import { normalise } from './text.js';
import { skillGroupFor } from './skill-groups.js';

const clf = new BuiltinIntentClassifier();
const train = readLabelled(intentPaths.train());
const heldOut = readLabelled(intentPaths.heldOut());

describe('the labelled data', () => {
  it('parses cleanly, with at least 60 training and 20 held-out messages per intent across zh, en and mixed', () => {
    expect(train.errors).toEqual([]);
    expect(heldOut.errors).toEqual([]);
    for (const intent of INTENTS) {
      const rows = train.rows.filter((e) => e.intent === intent);
      expect(rows.length, intent).toBeGreaterThanOrEqual(60);
      for (const lang of ['zh', 'en', 'mixed'] as const) expect(rows.filter((e) => e.lang === lang).length, `${intent} ${lang}`).toBeGreaterThanOrEqual(10);
      expect(heldOut.rows.filter((e) => e.intent === intent).length, intent).toBeGreaterThanOrEqual(20);
    }
  });

  it('keeps the held-out set disjoint from the training set, even after normalisation', () => {
    const seen = new Set(train.rows.map((e) => normalise(e.text)));
    expect(heldOut.rows.filter((e) => seen.has(normalise(e.text))).map((e) => e.text)).toEqual([]);
  });
});

describe('the shipped model on the held-out set', () => {
  it('reaches macro-F1 ≥ 0.85 (bench target 0.90) with a calibration error under 0.1', () => {
    const report = evaluate(
      heldOut.rows.map((e) => {
        const r = clf.classifySync(e.text);
        return { truth: e.intent, predicted: r.intent, confidence: r.confidence };
      }),
      INTENTS,
    );
    console.log(`held-out: accuracy ${report.accuracy.toFixed(3)} macro-F1 ${report.macroF1.toFixed(3)} ECE ${report.ece.toFixed(3)}`);
    expect(report.macroF1).toBeGreaterThanOrEqual(0.85);
    expect(report.ece).toBeLessThan(0.1);
    for (const l of INTENTS) expect(report.perLabel[l].f1, l).toBeGreaterThanOrEqual(0.6);
  });
});

describe('BuiltinIntentClassifier behaviour', () => {
  it('recognises the nine intents in zh, en and mixed, and explains itself with signals', () => {
    const cases: [string, string][] = [
      ['请问企业版报价多少钱？', 'price_inquiry'],
      ['What is the difference between the Pro and the Team plan?', 'feature_comparison'],
      ['我要下单两台，怎么付款', 'purchase'],
      ['I want a refund for my order', 'after_sale'],
      ['The app crashed again after login', 'tech_support'],
      ['客服态度太差了，我要投诉', 'complaint'],
      ['我的快递到哪了？', 'logistics'],
      ['转人工', 'human_agent'],
      ['thanks, bye', 'other'],
    ];
    for (const [text, intent] of cases) expect(clf.classifySync(text).intent, text).toBe(intent);
    const r = clf.classifySync('请问企业版报价多少钱？');
    expect(r.language).toBe('zh');
    expect(r.signals.length).toBeGreaterThan(0);
    expect(r.signals.every((s) => s.startsWith('feat:'))).toBe(true);
  });

  it('handles traditional characters, full-width text and a negated complaint', () => {
    expect(clf.classifySync('請問專業版價格多少？').intent).toBe('price_inquiry');
    expect(clf.classifySync('ＡＰＰ閃退了').intent).toBe('tech_support');
    expect(clf.classifySync('我不是要投诉，只是想问一下价格').intent).toBe('price_inquiry');
  });

  it('returns other for empty and emoji-only text', () => {
    expect(clf.classifySync('')).toMatchObject({ intent: 'other', language: 'unknown' });
    expect(clf.classifySync('👍👍').intent).toBe('other');
  });

  it('never throws, returns a valid result and is deterministic for arbitrary unicode', async () => {
    const other = new BuiltinIntentClassifier();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 3000 }),
          fc.string({
            unit: fc.oneof(
              fc.constantFrom('投诉', '价格', 'refund', '不是', 'not ', '！', '\uD800', '😀'),
              fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
            ),
            maxLength: 500,
          }),
        ),
        async (s) => {
          const a = await clf.classify(s);
          expect(INTENTS).toContain(a.intent);
          expect(a.confidence).toBeGreaterThanOrEqual(0);
          expect(a.confidence).toBeLessThanOrEqual(1);
          expect(['zh', 'en', 'mixed', 'unknown']).toContain(a.language);
          expect(await clf.classify(s)).toEqual(a);
          expect(await other.classify(s)).toEqual(a);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('skillGroupFor', () => {
  it('maps intents to default groups and honours overrides', () => {
    expect(skillGroupFor('price_inquiry')).toBe('pre_sale');
    expect(skillGroupFor('purchase')).toBe('pre_sale');
    expect(skillGroupFor('logistics')).toBe('after_sale');
    expect(skillGroupFor('complaint')).toBe('complaints');
    expect(skillGroupFor('other')).toBe('general');
    expect(skillGroupFor('complaint', { complaint: 'escalation' })).toBe('escalation');
    expect(skillGroupFor('tech_support', { tech_support: ' ' })).toBe('tech_support');
  });
});
