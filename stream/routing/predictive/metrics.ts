/** Evaluation of probability forecasts: ROC AUC and log-loss. */

/**
 * Area under the ROC curve: the probability that a random positive scores
 * above a random negative, ties counting one half (Mann–Whitney with mid
 * ranks). NaN when one class is missing.
 */
export function rocAuc(scores: readonly number[], labels: readonly (0 | 1)[]): number {
  const idx = scores.map((s, i) => ({ s, y: labels[i] })).sort((a, b) => a.s - b.s);
  let rankSumPos = 0;
  let pos = 0;
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j < idx.length && idx[j].s === idx[i].s) j++;
    const midRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++)
      if (idx[k].y === 1) {
        rankSumPos += midRank;
        pos++;
      }
    i = j;
  }
  const neg = idx.length - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Mean negative log-likelihood, probabilities clipped to [eps, 1 − eps]. */
export function logLoss(probs: readonly number[], labels: readonly (0 | 1)[], eps = 1e-15): number {
  if (probs.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < probs.length; i++) {
    const p = Math.min(1 - eps, Math.max(eps, probs[i]));
    s -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return s / probs.length;
}
