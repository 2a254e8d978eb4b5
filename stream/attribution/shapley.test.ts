import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderedShapleyAttribution, shapleyAttribution } from './shapley.js';
import { shapleyProbabilityAttribution } from './shapley-probability.js';
import { arbPaths, close, sum } from './test-helpers.js';
import type { AttributionResult, PathRecord } from './types.js';

const credit = (r: AttributionResult) => Object.fromEntries(r.channels.map((c) => [c.channel, c.conversions]));
const channelsOf = (paths: PathRecord[]) => [...new Set(paths.flatMap((p) => p.path))].sort();

/** Textbook Shapley value by enumerating every coalition: φ_i = Σ_S |S|!(n−|S|−1)!/n! (v(S ∪ i) − v(S)). */
function bruteShapley(players: string[], v: (s: Set<string>) => number): Map<string, number> {
  const n = players.length;
  const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));
  const out = new Map<string, number>();
  for (const i of players) {
    const others = players.filter((p) => p !== i);
    let phi = 0;
    for (let mask = 0; mask < 1 << others.length; mask++) {
      const S = new Set(others.filter((_, k) => mask & (1 << k)));
      const w = (fact(S.size) * fact(n - S.size - 1)) / fact(n);
      phi += w * (v(new Set([...S, i])) - v(S));
    }
    out.set(i, phi);
  }
  return out;
}

const subsetOf = (path: string[], S: Set<string>) => path.every((c) => S.has(c));
const countGame = (paths: PathRecord[]) => (S: Set<string>) => sum(paths.filter((p) => subsetOf(p.path, S)).map((p) => p.conversions));
const rateGame = (paths: PathRecord[]) => (S: Set<string>) => {
  const inS = paths.filter((p) => subsetOf(p.path, S));
  const total = sum(inS.map((p) => p.conversions + p.nulls));
  return total > 0 ? sum(inS.map((p) => p.conversions)) / total : 0;
};

const swap = (paths: PathRecord[], a: string, b: string): PathRecord[] =>
  paths.map((p) => ({ ...p, path: p.path.map((c) => (c === a ? b : c === b ? a : c)) }));

describe('Shapley, conversion-count form (Zhao et al. simplified formula)', () => {
  it('splits each journey equally among its distinct channels', () => {
    const r = shapleyAttribution([
      { path: ['a', 'b', 'a'], conversions: 2, value: 10, nulls: 1 },
      { path: ['c'], conversions: 1, value: 4, nulls: 0 },
    ]);
    expect(credit(r)).toEqual({ a: 1, b: 1, c: 1 });
    expect(r.channels.map((c) => c.value)).toEqual([5, 5, 4]);
  });

  it('property: equals the brute-force Shapley value of v(S) = conversions of journeys ⊆ S', () => {
    fc.assert(
      fc.property(arbPaths(), (paths) => {
        const r = credit(shapleyAttribution(paths));
        const brute = bruteShapley(channelsOf(paths), countGame(paths));
        for (const [c, phi] of brute) expect(close(r[c], phi, 1e-12)).toBe(true);
      }),
      { numRuns: 150, seed: 3 },
    );
  });

  it('property: efficiency, symmetry and null player', () => {
    fc.assert(
      fc.property(
        arbPaths({ channels: ['a', 'b', 'c', 'd'] }),
        fc.array(fc.array(fc.constantFrom('a', 'b', 'z'), { minLength: 1, maxLength: 4 }), { maxLength: 4 }),
        (paths, zPaths) => {
          const sym = [...paths, ...swap(paths, 'a', 'b')];
          // z only appears in journeys that never convert: a null player of the count game
          const withNull = [...sym, ...zPaths.map((p) => ({ path: [...p, 'z'], conversions: 0, value: 0, nulls: 3 }))];
          const r = shapleyAttribution(withNull);
          const c = credit(r);
          expect(close(sum(Object.values(c)), r.total_conversions)).toBe(true);
          expect(close(c.a ?? 0, c.b ?? 0, 1e-12)).toBe(true);
          if (c.z !== undefined) expect(c.z).toBe(0);
        },
      ),
      { numRuns: 150, seed: 5 },
    );
  });
});

describe('ordered Shapley', () => {
  it('credits by position of first appearance; totals equal the unordered value', () => {
    const paths: PathRecord[] = [
      { path: ['a', 'b', 'a', 'c'], conversions: 3, value: 3, nulls: 0 },
      { path: ['b', 'a'], conversions: 2, value: 2, nulls: 1 },
    ];
    const r = orderedShapleyAttribution(paths);
    const a = r.positions.find((p) => p.channel === 'a')!;
    expect(a.conversions).toEqual([1, 1]);
    const c = r.positions.find((p) => p.channel === 'c')!;
    expect(c.conversions).toEqual([0, 0, 1]);
    expect(credit(r)).toEqual(credit(shapleyAttribution(paths)));
  });

  it('property: positions sum to the channel credit', () => {
    fc.assert(
      fc.property(arbPaths(), (paths) => {
        const r = orderedShapleyAttribution(paths);
        r.positions.forEach((p, k) => expect(close(sum(p.conversions), r.channels[k].conversions)).toBe(true));
      }),
      { numRuns: 50, seed: 9 },
    );
  });
});

describe('Shapley, conversion-probability form', () => {
  it('property: exact enumeration equals the brute-force Shapley value of the rate game', () => {
    fc.assert(
      fc.property(arbPaths(), (paths) => {
        const r = shapleyProbabilityAttribution(paths);
        expect(r.method).toBe('exact');
        const brute = bruteShapley(channelsOf(paths), rateGame(paths));
        const grand = rateGame(paths)(new Set(channelsOf(paths)));
        expect(close(r.grand_value, grand, 1e-12)).toBe(true);
        for (const c of r.channels) {
          const expected = grand !== 0 ? (brute.get(c.channel)! / grand) * r.total_conversions : 0;
          expect(close(c.conversions, expected, 1e-9)).toBe(true);
        }
      }),
      { numRuns: 150, seed: 13 },
    );
  });

  it('property: efficiency, symmetry, null player (a channel with no journeys of weight > 0)', () => {
    fc.assert(
      fc.property(arbPaths({ channels: ['a', 'b', 'c', 'd'] }), (paths) => {
        const sym = [...paths, ...swap(paths, 'a', 'b'), { path: ['z', 'a', 'b'], conversions: 0, value: 0, nulls: 0 }];
        const r = shapleyProbabilityAttribution(sym);
        const c = credit(r);
        expect(close(sum(Object.values(c)), r.total_conversions)).toBe(true);
        expect(close(sum(r.channels.map((x) => x.value)), r.total_value)).toBe(true);
        expect(close(c.a, c.b, 1e-9)).toBe(true);
        expect(Math.abs(c.z)).toBeLessThan(1e-12);
      }),
      { numRuns: 100, seed: 17 },
    );
  });

  it('Monte Carlo: seeded, efficient, and within its reported error of the exact value', () => {
    const paths: PathRecord[] = [];
    const ch = 'abcdefgh'.split('');
    for (let i = 0; i < 60; i++) {
      paths.push({ path: [ch[i % 8], ch[(i * 3) % 8], ch[(i * 5 + 1) % 8]], conversions: i % 4, value: i, nulls: (i * 7) % 5 });
    }
    const exact = shapleyProbabilityAttribution(paths);
    const mc = shapleyProbabilityAttribution(paths, { forceMonteCarlo: true, samples: 4000, seed: 42 });
    const again = shapleyProbabilityAttribution(paths, { forceMonteCarlo: true, samples: 4000, seed: 42 });
    expect(mc.method).toBe('monte_carlo');
    expect(again.channels).toEqual(mc.channels);
    expect(close(sum(mc.channels.map((c) => c.conversions)), mc.total_conversions)).toBe(true);
    const se = new Map(mc.monte_carlo!.standard_errors.map((s) => [s.channel, s.standard_error]));
    mc.channels.forEach((c, k) => {
      const err = Math.abs(c.conversions - exact.channels[k].conversions);
      expect(err).toBeLessThanOrEqual(5 * se.get(c.channel)! + 1e-12);
      expect(err).toBeLessThanOrEqual(mc.monte_carlo!.hoeffding_95);
    });
  });

  it('switches to Monte Carlo above the exact limit', () => {
    const paths: PathRecord[] = [{ path: ['a', 'b', 'c'], conversions: 1, value: 1, nulls: 1 }];
    expect(shapleyProbabilityAttribution(paths, { exactLimit: 2, samples: 10 }).method).toBe('monte_carlo');
  });
});
