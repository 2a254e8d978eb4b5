import { describe, expect, it } from 'vitest';
import { mergeCorrections, parseCorrections, parseLabelled, type LabelledExample } from './dataset.js';
import { INTENTS } from './intent-port.js';
import { expectedCalibrationError, evaluate } from './metrics.js';
import { intentPaths, readLabelled } from './model-files.js';
import { modelFromDoc, probabilitiesOf, softmax } from './softmax-model.js';
import { featuresOf } from './features.js';
import { assignFolds, fitTemperature, trainIntentModel } from './train.js';

// A small, fast slice of the team's data: 15 messages per intent.
const all = readLabelled(intentPaths.train()).rows;
const slice: LabelledExample[] = INTENTS.flatMap((l) => all.filter((e) => e.intent === l).slice(0, 15));
const opts = { iterations: 60, folds: 3 };

describe('trainIntentModel', () => {
  it('is deterministic: the same data and seed give the same document, byte for byte', () => {
    const a = trainIntentModel(slice, opts);
    const b = trainIntentModel(slice, opts);
    expect(JSON.stringify(a.doc)).toBe(JSON.stringify(b.doc));
    expect(a.doc.meta).toMatchObject({ seed: 15, folds: 3, examples: slice.length });
  });

  it('round-trips through JSON and scores the same after loading', () => {
    const { doc } = trainIntentModel(slice, opts);
    const loaded = modelFromDoc(JSON.parse(JSON.stringify(doc)));
    const direct = modelFromDoc(doc);
    for (const e of slice.slice(0, 20))
      expect(Array.from(probabilitiesOf(loaded, featuresOf(e.text)).probs)).toEqual(Array.from(probabilitiesOf(direct, featuresOf(e.text)).probs));
    expect(() => modelFromDoc({ ...doc, format: 'x' })).toThrow(/not an omnilane intent model/);
    expect(() => modelFromDoc({ ...doc, bias: [1] })).toThrow(/bias/);
    expect(() => modelFromDoc({ ...doc, temperature: 0 })).toThrow(/temperature/);
  });

  it('fits its training data and gives probabilities that sum to 1', () => {
    const { doc } = trainIntentModel(slice, opts);
    const m = modelFromDoc(doc);
    let right = 0;
    for (const e of slice) {
      const { probs } = probabilitiesOf(m, featuresOf(e.text));
      expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      let best = 0;
      for (let c = 1; c < probs.length; c++) if (probs[c] > probs[best]) best = c;
      if (m.labels[best] === e.intent) right += 1;
    }
    expect(right / slice.length).toBeGreaterThan(0.9);
  });

  it('deals stratified folds reproducibly', () => {
    const labels = slice.map((e) => e.intent);
    const f = assignFolds(labels, 3, 7);
    expect(assignFolds(labels, 3, 7)).toEqual(f);
    for (const l of INTENTS) for (let k = 0; k < 3; k++) expect(labels.filter((x, i) => x === l && f[i] === k).length).toBe(5);
  });
});

describe('calibration', () => {
  it('fits a temperature in its bounds that lowers the calibration error of overconfident logits', () => {
    // Overconfident: logits 4× too large for a 70%-right classifier.
    const logits: Float64Array[] = [];
    const ys: number[] = [];
    for (let i = 0; i < 400; i++) {
      const y = i % 3;
      const predicted = i % 10 < 7 ? y : (y + 1) % 3;
      const z = new Float64Array(3);
      z[predicted] = 4 * Math.log(0.7 / 0.15);
      logits.push(z);
      ys.push(y);
    }
    const T = fitTemperature(logits, ys);
    expect(T).toBeGreaterThan(1);
    expect(T).toBeLessThanOrEqual(Math.exp(3));
    const preds = (t: number) =>
      logits.map((z, i) => {
        const p = softmax(z, t);
        const best = p.indexOf(Math.max(...p));
        return { truth: INTENTS[ys[i]], predicted: INTENTS[best], confidence: p[best] };
      });
    expect(expectedCalibrationError(preds(T))).toBeLessThan(0.02);
    expect(expectedCalibrationError(preds(1))).toBeGreaterThan(0.2);
    expect(fitTemperature([], [])).toBe(1);
  });

  it('reports the cross-validated ECE after scaling no worse than before', () => {
    const r = trainIntentModel(slice, opts);
    expect(r.cv.ece).toBeGreaterThanOrEqual(0);
    expect(r.cv.ece).toBeLessThanOrEqual(r.cvEceUncalibrated + 1e-9);
    expect(r.doc.temperature).toBeGreaterThan(0);
  });
});

describe('metrics', () => {
  it('computes accuracy, macro-F1 and the confusion matrix', () => {
    const r = evaluate(
      [
        { truth: 'purchase', predicted: 'purchase', confidence: 0.9 },
        { truth: 'purchase', predicted: 'price_inquiry', confidence: 0.6 },
        { truth: 'price_inquiry', predicted: 'price_inquiry', confidence: 0.8 },
      ],
      ['price_inquiry', 'purchase'],
    );
    expect(r.accuracy).toBeCloseTo(2 / 3);
    expect(r.confusion.purchase).toEqual({ price_inquiry: 1, purchase: 1 });
    // price_inquiry: P 1/2, R 1 → F1 2/3; purchase: P 1, R 1/2 → F1 2/3.
    expect(r.macroF1).toBeCloseTo(2 / 3);
  });
});

describe('labelled data and corrections', () => {
  it('reports bad lines instead of throwing', () => {
    const r = parseLabelled('{"text":"hi","intent":"other"}\nnot json\n{"text":"x","intent":"pre_sale"}\n\n');
    expect(r.rows).toEqual([{ text: 'hi', intent: 'other' }]);
    expect(r.errors.map((e) => e.line)).toEqual([2, 3]);
    const c = parseCorrections(
      '{"text":"where is it","intent":"logistics","agent_id":"ag_1","at":"2026-03-01T00:00:00Z"}\n{"text":"x","intent":"logistics","agent_id":"ag_1","at":"yesterday"}',
    );
    expect(c.rows).toHaveLength(1);
    expect(c.errors[0]).toMatchObject({ line: 2, reason: expect.stringContaining('"at"') });
  });

  it('lets the latest correction of a message win, adds new messages and skips held-out ones', () => {
    const team: LabelledExample[] = [
      { text: '退款', intent: 'after_sale', lang: 'zh' },
      { text: 'hello', intent: 'other', lang: 'en' },
    ];
    const corrections = [
      { text: 'Hello', intent: 'human_agent' as const, agent_id: 'a', at: '2026-03-02T00:00:00Z' },
      { text: 'hello', intent: 'other' as const, agent_id: 'b', at: '2026-03-01T00:00:00Z' },
      { text: '发顺丰吗', intent: 'logistics' as const, agent_id: 'a', at: '2026-03-01T00:00:00Z' },
      { text: 'secret held-out line', intent: 'purchase' as const, agent_id: 'a', at: '2026-03-01T00:00:00Z' },
    ];
    const m = mergeCorrections(team, corrections, [{ text: 'Secret held-out line', intent: 'other' }]);
    expect(m.examples).toEqual([
      { text: '退款', intent: 'after_sale', lang: 'zh' },
      { text: 'hello', intent: 'human_agent', lang: 'en' },
      { text: '发顺丰吗', intent: 'logistics' },
    ]);
    expect(m).toMatchObject({ corrections: 2, relabelled: 1, heldOutSkipped: 1 });
  });
});
