import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { differenceSequence, fixedHorizonInterval, proportionArm, armFromSums } from './confidence-sequence.js';
import { holmAdjust } from './multiple.js';
import { sampleRatioCheck } from './srm.js';
import { mannWhitney } from './tests.js';

const arm = fc.record({
  n: fc.integer({ min: 2, max: 100_000 }),
  mean: fc.double({ min: -1e4, max: 1e4, noNaN: true }),
  variance: fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
});
const alpha = fc.constantFrom(0.01, 0.05, 0.1);

describe('stats core properties', () => {
  it('a confidence sequence holds its estimate, is wider than the fixed-horizon interval, and excludes 0 exactly when p < α', () => {
    fc.assert(
      fc.property(arm, arm, alpha, fc.integer({ min: 100, max: 100_000 }), (c, t, a, tuningN) => {
        const cs = differenceSequence(c, t, { alpha: a, tuningN });
        const fixed = fixedHorizonInterval(c, t, a);
        expect(cs.lower).toBeLessThanOrEqual(cs.estimate);
        expect(cs.upper).toBeGreaterThanOrEqual(cs.estimate);
        expect(cs.upper - cs.lower).toBeGreaterThanOrEqual((fixed.upper - fixed.lower) * (1 - 1e-9));
        expect(cs.pValue).toBeGreaterThanOrEqual(0);
        expect(cs.pValue).toBeLessThanOrEqual(1);
        const excludes = cs.lower > 0 || cs.upper < 0;
        // Away from the boundary (rounding), "0 outside the sequence" and "p < α" are the same statement.
        if (Math.abs(cs.pValue - a) > 1e-9) expect(excludes).toBe(cs.pValue < a);
      }),
      { numRuns: 500 },
    );
  });

  it('a confidence sequence narrows as both arms grow with the same spread', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 10_000 }), fc.double({ min: 0.01, max: 100, noNaN: true }), (n, v) => {
        const w = (k: number) => {
          const cs = differenceSequence({ n: k, mean: 0, variance: v }, { n: k, mean: 0, variance: v });
          return cs.upper - cs.lower;
        };
        expect(w(n * 4)).toBeLessThan(w(n));
      }),
    );
  });

  it('Holm-adjusted p-values are ≥ the raw ones, ≤ 1, keep the raw order, and equal m·p for the smallest', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 12 }), (ps) => {
        const adj = holmAdjust(ps);
        ps.forEach((p, i) => {
          expect(adj[i]).toBeGreaterThanOrEqual(p);
          expect(adj[i]).toBeLessThanOrEqual(1);
          ps.forEach((q, j) => {
            if (p < q) expect(adj[i]).toBeLessThanOrEqual(adj[j]);
          });
        });
        const min = Math.min(...ps);
        expect(Math.min(...adj)).toBeCloseTo(Math.min(1, ps.length * min), 12);
      }),
    );
  });

  it('the SRM check finds no mismatch when the counts match the weights, and one when they are far off', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 2, maxLength: 5 }), fc.integer({ min: 1000, max: 10_000 }), (weights, scale) => {
        const exact = sampleRatioCheck(
          weights.map((w) => w * scale),
          weights,
        );
        expect(exact.mismatch).toBe(false);
        expect(exact.pValue).toBeCloseTo(1, 9);
        const skewed = weights.map((w, i) => (i === 0 ? Math.round(w * scale * 1.5) : w * scale));
        expect(sampleRatioCheck(skewed, weights).mismatch).toBe(true);
      }),
    );
  });

  it('the Mann-Whitney U counts pairs: U(x, y) + U(y, x) = n1·n2, symmetric p-value', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 3, maxLength: 40 }),
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 3, maxLength: 40 }),
        (x, y) => {
          const a = mannWhitney(x, y);
          const b = mannWhitney(y, x);
          expect(a.u + b.u).toBeCloseTo(x.length * y.length, 9);
          let greater = 0;
          for (const xi of x) for (const yj of y) greater += xi > yj ? 1 : xi === yj ? 0.5 : 0;
          expect(a.u).toBeCloseTo(greater, 9);
          expect(a.pValue).toBeCloseTo(b.pValue, 12);
        },
      ),
    );
  });

  it('arm summaries from sums equal the direct mean and sample variance', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 2, maxLength: 50 }), (xs) => {
        const s = armFromSums(
          xs.length,
          xs.reduce((a, b) => a + b, 0),
          xs.reduce((a, b) => a + b * b, 0),
        );
        const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
        expect(s.mean).toBeCloseTo(mean, 9);
        expect(s.variance).toBeCloseTo(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1), 6);
        const ones = xs.filter((x) => x > 0).length;
        expect(proportionArm(ones, xs.length).variance).toBeCloseTo(armFromSums(xs.length, ones, ones).variance, 12);
      }),
    );
  });
});
