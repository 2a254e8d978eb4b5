import { normalCdf, normalQuantile } from './distributions.js';

export interface TwoProportionTest {
  z: number;
  /** Two-sided p-value. */
  pValue: number;
}

/** Pooled two-proportion z-test of x1/n1 against x2/n2. */
export function twoProportionTest(x1: number, n1: number, x2: number, n2: number): TwoProportionTest {
  const p = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
  if (!(se > 0)) return { z: 0, pValue: 1 };
  const z = (x1 / n1 - x2 / n2) / se;
  return { z, pValue: 2 * normalCdf(-Math.abs(z)) };
}

/**
 * Units per group a two-sided two-proportion test needs to detect p1 against p2 with the given power
 * (Fleiss' formula without continuity correction).
 */
export function twoProportionSampleSize(p1: number, p2: number, alpha = 0.05, power = 0.8): number {
  const za = normalQuantile(1 - alpha / 2);
  const zb = normalQuantile(power);
  const pbar = (p1 + p2) / 2;
  const num = za * Math.sqrt(2 * pbar * (1 - pbar)) + zb * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return Math.ceil((num * num) / (p1 - p2) ** 2);
}

export interface MannWhitneyTest {
  /** U of the first sample. */
  u: number;
  /** Standardised U (negative: the first sample tends to be smaller). */
  z: number;
  /** Two-sided p-value (normal approximation with tie correction, continuity-corrected). */
  pValue: number;
  /** P(X < Y) + ½P(X = Y): the common-language effect size, U / (n1·n2) reversed. */
  probabilitySmaller: number;
}

/**
 * Mann-Whitney U test of x against y, normal approximation with the tie correction
 * σ² = n1n2/12 · ((N+1) − Σ(t³−t)/(N(N−1))). Valid from about 8 per sample, the minimum callers enforce.
 */
export function mannWhitney(x: readonly number[], y: readonly number[]): MannWhitneyTest {
  const n1 = x.length;
  const n2 = y.length;
  const all = [...x.map((v) => ({ v, g: 0 })), ...y.map((v) => ({ v, g: 1 }))].sort((a, b) => a.v - b.v);
  const n = all.length;
  let rankSumX = 0;
  let tieTerm = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && all[j + 1].v === all[i].v) j++;
    const rank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) if (all[k].g === 0) rankSumX += rank;
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  const u = rankSumX - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (!(variance > 0)) return { u, z: 0, pValue: 1, probabilitySmaller: 0.5 };
  const diff = u - mean;
  const z = (diff - Math.sign(diff) * 0.5) / Math.sqrt(variance);
  return { u, z, pValue: Math.min(1, 2 * normalCdf(-Math.abs(z))), probabilitySmaller: 1 - u / (n1 * n2) };
}
