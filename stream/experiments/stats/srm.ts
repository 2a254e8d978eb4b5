import { chiSquareSf } from './distributions.js';

/** Flag threshold for a sample-ratio mismatch (the usual 0.001: a true split trips it once in a thousand looks). */
export const SRM_P_THRESHOLD = 0.001;

export interface SrmCheck {
  chiSquare: number;
  df: number;
  pValue: number;
  /** True when p < SRM_P_THRESHOLD: the assignment or the exposure logging is broken, so no result is trusted. */
  mismatch: boolean;
}

/** Pearson's χ² goodness-of-fit of the units per variant against the configured weights. */
export function sampleRatioCheck(observed: readonly number[], weights: readonly number[]): SrmCheck {
  if (observed.length !== weights.length || observed.length < 2) throw new RangeError('one observed count per weight, at least two');
  const total = observed.reduce((s, x) => s + x, 0);
  const wsum = weights.reduce((s, w) => s + w, 0);
  if (total === 0) return { chiSquare: 0, df: observed.length - 1, pValue: 1, mismatch: false };
  let chi = 0;
  for (let i = 0; i < observed.length; i++) {
    const expected = (total * weights[i]) / wsum;
    chi += (observed[i] - expected) ** 2 / expected;
  }
  const df = observed.length - 1;
  const pValue = chiSquareSf(chi, df);
  return { chiSquare: chi, df, pValue, mismatch: pValue < SRM_P_THRESHOLD };
}
