import { describe, expect, it } from 'vitest';
import { EncoderIntentClassifier, trainDenseHead } from './encoder-classifier.js';
import type { Intent } from './intent-port.js';

/** A toy encoder (one axis per topic word) is enough to check the head learns and the adapter keeps the port's contract. */
const AXES = ['price', 'refund', 'login', 'parcel'];
const toy = async (texts: readonly string[]) => texts.map((t) => Float32Array.from(AXES.map((a) => (t.includes(a) ? 1 : 0))));

describe('EncoderIntentClassifier', () => {
  it('trains a softmax head on vectors and classifies through the intent port', async () => {
    const data: Array<[string, Intent]> = [
      ['price please', 'price_inquiry'],
      ['what price', 'price_inquiry'],
      ['refund now', 'after_sale'],
      ['my refund', 'after_sale'],
      ['login fails', 'tech_support'],
      ['cannot login', 'tech_support'],
      ['where parcel', 'logistics'],
      ['parcel late', 'logistics'],
      ['hello', 'other'],
    ];
    const head = trainDenseHead(
      await toy(data.map((d) => d[0])),
      data.map((d) => d[1]),
      { steps: 200 },
    );
    const clf = new EncoderIntentClassifier({ embed: toy, head });
    for (const [text, intent] of [
      ['the price?', 'price_inquiry'],
      ['a refund', 'after_sale'],
      ['parcel?', 'logistics'],
    ] as const) {
      const r = await clf.classify(text);
      expect([text, r.intent]).toEqual([text, intent]);
      expect(r.confidence).toBeGreaterThan(0.5);
      expect(r.confidence).toBeLessThanOrEqual(1);
    }
    expect((await clf.classify('')).intent).toBe('other');
  });
});
