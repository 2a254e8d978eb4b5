import { describe, expect, it } from 'vitest';
import { bootstrapAttribution, quantile } from './bootstrap.js';
import { MODEL_NAMES, runModel } from './models.js';
import type { PathRecord } from './types.js';

const paths: PathRecord[] = [
  { path: ['a', 'b'], conversions: 30, value: 300, nulls: 70 },
  { path: ['b'], conversions: 5, value: 40, nulls: 95 },
  { path: ['c', 'a'], conversions: 12, value: 100, nulls: 20 },
  { path: ['c'], conversions: 0, value: 0, nulls: 50 },
];

describe('bootstrapAttribution', () => {
  it('is deterministic for a seed and gives ordered intervals around the estimate for every model', () => {
    for (const m of MODEL_NAMES) {
      const model = (p: Parameters<typeof runModel>[1]) => runModel(m, p, { markov: { order: 2 } });
      const a = bootstrapAttribution(paths, model, { resamples: 60, seed: 3 });
      const b = bootstrapAttribution(paths, model, { resamples: 60, seed: 3 });
      expect(a).toEqual(b);
      expect(a.intervals.map((i) => i.channel)).toEqual(['a', 'b', 'c']);
      a.intervals.forEach((iv, k) => {
        expect(iv.conversions[0]).toBeLessThanOrEqual(iv.conversions[1]);
        const est = a.estimate.channels[k].conversions;
        expect(est).toBeGreaterThanOrEqual(iv.conversions[0] - 0.5 * a.estimate.total_conversions);
        expect(est).toBeLessThanOrEqual(iv.conversions[1] + 0.5 * a.estimate.total_conversions);
        expect(iv.removal_effect !== undefined).toBe(m === 'markov');
      });
    }
  });

  it('intervals narrow as the data grow', () => {
    const model = (p: Parameters<typeof runModel>[1]) => runModel('markov', p);
    const width = (scale: number) => {
      const scaled = paths.map((p) => ({ ...p, conversions: p.conversions * scale, value: p.value * scale, nulls: p.nulls * scale }));
      const iv = bootstrapAttribution(scaled, model, { resamples: 100, seed: 5 }).intervals[0];
      return iv.removal_effect![1] - iv.removal_effect![0];
    };
    expect(width(16)).toBeLessThan(width(1) / 2);
  });

  it('needs integer counts', () => {
    expect(() => bootstrapAttribution([{ path: ['a'], conversions: 0.5, value: 1, nulls: 0 }], (p) => runModel('first', p))).toThrow(/ATTR_ERR_BAD_INPUT/);
  });

  it('quantile interpolates (type 7)', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([5], 0.9)).toBe(5);
  });
});
