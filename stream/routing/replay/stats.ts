/** Summary statistics of a replay: exact, hand-checkable definitions. */

/** Nearest-rank percentile: the smallest value with at least p of the values at or below it. NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

/**
 * Gini coefficient of non-negative amounts (mean absolute difference over
 * twice the mean): 0 when everyone has the same, (n − 1) / n when one has
 * everything. 0 for an empty list or all zeros.
 */
export function gini(values: readonly number[]): number {
  const n = values.length;
  const total = values.reduce((s, v) => s + v, 0);
  if (n === 0 || total === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  // Σ_i Σ_j |x_i − x_j| = 2 Σ_i (2i − n + 1) x_(i) over the sorted values (i from 0).
  let s = 0;
  sorted.forEach((x, i) => (s += (2 * i - n + 1) * x));
  return (2 * s) / (2 * n * total);
}
