import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildMarkovChain } from './markov-chain.js';
import { encodePaths } from './encode.js';
import { markovAttribution } from './markov.js';
import { arbPaths, close, sum } from './test-helpers.js';
import type { PathRecord } from './types.js';

const rec = (p: string, conversions: number, nulls = 0, value = conversions): PathRecord => ({
  path: p.split('>'),
  conversions,
  value,
  nulls,
});

const credit = (r: { channels: { channel: string; conversions: number }[] }) => Object.fromEntries(r.channels.map((c) => [c.channel, c.conversions]));

/**
 * Independent reference: string-keyed states, a dense (I − Q) matrix built from scratch, Gaussian elimination,
 * and removal done by rebuilding the matrix with states containing the channel sent to null.
 */
function referenceMarkov(paths: PathRecord[], order: number) {
  const counts = new Map<string, Map<string, number>>();
  const add = (from: string, to: string, w: number) => {
    if (w === 0) return;
    const row = counts.get(from) ?? new Map<string, number>();
    row.set(to, (row.get(to) ?? 0) + w);
    counts.set(from, row);
  };
  for (const p of paths) {
    const w = p.conversions + p.nulls;
    let from = 'S';
    for (let t = 0; t < p.path.length; t++) {
      const to = JSON.stringify(p.path.slice(Math.max(0, t + 1 - order), t + 1));
      add(from, to, w);
      from = to;
    }
    add(from, 'CONV', p.conversions);
    add(from, 'NULL', p.nulls);
  }
  const states = [...counts.keys()];
  const solve = (removed: (s: string) => boolean): number => {
    const kept = states.filter((s) => !removed(s));
    const idx = new Map(kept.map((s, i) => [s, i]));
    const m = kept.length;
    const A = kept.map(() => new Array<number>(m + 1).fill(0));
    kept.forEach((s, i) => {
      const row = counts.get(s)!;
      const total = sum([...row.values()]);
      A[i][i] += 1;
      for (const [to, w] of row) {
        if (to === 'CONV') A[i][m] += w / total;
        else if (idx.has(to)) A[i][idx.get(to)!] -= w / total;
      }
    });
    for (let k = 0; k < m; k++) {
      let p = k;
      for (let i = k + 1; i < m; i++) if (Math.abs(A[i][k]) > Math.abs(A[p][k])) p = i;
      [A[k], A[p]] = [A[p], A[k]];
      for (let i = 0; i < m; i++) {
        if (i === k) continue;
        const f = A[i][k] / A[k][k];
        for (let j = k; j <= m; j++) A[i][j] -= f * A[k][j];
      }
    }
    const s0 = idx.get('S');
    return s0 === undefined ? 0 : A[s0][m] / A[s0][s0];
  };
  const P = solve(() => false);
  const channels = [...new Set(paths.flatMap((p) => p.path))];
  const re = new Map(channels.map((c) => [c, P > 0 ? 1 - solve((s) => s !== 'S' && (JSON.parse(s) as string[]).includes(c)) / P : 0]));
  return { P, re };
}

describe('markovAttribution', () => {
  it('known answer: A>B>A>B>B>A, A>B>B>A>A, A>A all converting → A 2, B 1 (both solvers)', () => {
    const paths = [rec('A>B>A>B>B>A', 1), rec('A>B>B>A>A', 1), rec('A>A', 1)];
    for (const solver of ['dense', 'iterative'] as const) {
      const r = markovAttribution(paths, { solver });
      expect(r.channels.map((c) => c.channel)).toEqual(['A', 'B']);
      expect(r.channels[0].conversions).toBeCloseTo(2, 12);
      expect(r.channels[1].conversions).toBeCloseTo(1, 12);
      expect(r.channels[0].removal_effect).toBeCloseTo(1, 12);
      expect(r.channels[1].removal_effect).toBeCloseTo(0.5, 12);
      expect(r.conversion_probability).toBeCloseTo(1, 12);
    }
  });

  it('order 2 separates what follows: A>B converts, C>B does not', () => {
    const paths = [rec('A>B', 1), rec('C>B', 0, 1)];
    expect(credit(markovAttribution(paths, { order: 1 }))).toEqual({ A: 0.25, B: 0.5, C: 0.25 });
    const o2 = credit(markovAttribution(paths, { order: 2 }));
    expect(o2.A).toBeCloseTo(0.5, 12);
    expect(o2.B).toBeCloseTo(0.5, 12);
    expect(o2.C).toBeCloseTo(0, 12);
  });

  it('order 3 needs three touches of memory: A>B>C converts, D>B>C does not', () => {
    const paths = [rec('A>B>C', 1), rec('D>B>C', 0, 1)];
    const o2 = credit(markovAttribution(paths, { order: 2 }));
    expect(o2.A).toBeCloseTo(1 / 6, 12);
    expect(o2.D).toBeCloseTo(1 / 6, 12);
    const o3 = markovAttribution(paths, { order: 3 });
    const c3 = credit(o3);
    expect(c3.A).toBeCloseTo(1 / 3, 12);
    expect(c3.B).toBeCloseTo(1 / 3, 12);
    expect(c3.C).toBeCloseTo(1 / 3, 12);
    expect(c3.D).toBeCloseTo(0, 12);
    expect(o3.transitions).toContainEqual({ from: 'A,B,C', to: '(conversion)', probability: 1 });
    expect(o3.transitions).toContainEqual({ from: '(start)', to: 'D', probability: 0.5 });
  });

  it('order 4 with a shared suffix of three', () => {
    const paths = [rec('A>B>C>D', 2), rec('E>B>C>D', 0, 2)];
    const c4 = credit(markovAttribution(paths, { order: 4 }));
    expect(c4.E).toBeCloseTo(0, 12);
    expect(c4.A).toBeCloseTo(0.5, 12);
    expect(c4.A + c4.B + c4.C + c4.D).toBeCloseTo(2, 12);
  });

  it('transition rows sum to 1 and value follows the conversion shares', () => {
    const paths = [rec('a>b>c', 3, 2, 30), rec('b>a', 1, 4, 5), rec('c', 0, 3, 0), rec('a>a>c', 2, 0, 8)];
    const r = markovAttribution(paths, { order: 2 });
    const rows = new Map<string, number>();
    for (const t of r.transitions) rows.set(t.from, (rows.get(t.from) ?? 0) + t.probability);
    for (const total of rows.values()) expect(total).toBeCloseTo(1, 12);
    for (const c of r.channels) expect(c.value / r.total_value).toBeCloseTo(c.conversions / r.total_conversions, 12);
  });

  it('no conversions: all credits and removal effects are 0', () => {
    const r = markovAttribution([rec('a>b', 0, 3), rec('b', 0, 1)]);
    expect(r.channels.every((c) => c.conversions === 0 && c.removal_effect === 0)).toBe(true);
  });

  it('property: equals an independent dense solve (orders 1–3, both solvers), P(conv) = base rate', () => {
    fc.assert(
      fc.property(arbPaths(), fc.integer({ min: 1, max: 3 }), fc.constantFrom('dense', 'iterative'), (paths, order, solver) => {
        const r = markovAttribution(paths, { order, solver: solver });
        const ref = referenceMarkov(paths, order);
        expect(close(r.conversion_probability, ref.P, 1e-12)).toBe(true);
        expect(close(r.conversion_probability, r.base_conversion_rate, 1e-12)).toBe(true);
        for (const c of r.channels) expect(Math.abs(c.removal_effect! - ref.re.get(c.channel)!)).toBeLessThan(1e-11);
        expect(close(sum(r.channels.map((c) => c.conversions)), r.total_conversions)).toBe(true);
        expect(close(sum(r.channels.map((c) => c.value)), r.total_value)).toBe(true);
        expect(r.solver.max_error_bound).toBeLessThan(1e-12);
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('iterative bracket is certified: lower ≤ dense ≤ upper on a larger random chain', () => {
    fc.assert(
      fc.property(arbPaths({ channels: 'abcdefgh'.split(''), maxLen: 8, minRecords: 30, maxRecords: 80 }), (paths) => {
        const dense = markovAttribution(paths, { order: 2, solver: 'dense', includeTransitions: false });
        const iter = markovAttribution(paths, { order: 2, solver: 'iterative', includeTransitions: false });
        for (let k = 0; k < dense.channels.length; k++) {
          expect(Math.abs(dense.channels[k].removal_effect! - iter.channels[k].removal_effect!)).toBeLessThan(1e-11);
        }
      }),
      { numRuns: 30, seed: 11 },
    );
  });

  it('rejects orders outside 1..4 and counts states as the last min(t, k) channels', () => {
    const enc = encodePaths([rec('a>b>c', 1)]);
    expect(() => buildMarkovChain(enc, 5)).toThrow(RangeError);
    expect(buildMarkovChain(enc, 2).n).toBe(4); // start, a, (a,b), (b,c)
  });
});
