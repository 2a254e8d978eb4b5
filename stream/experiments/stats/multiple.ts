/**
 * Holm's step-down adjustment (Holm 1979): controls the family-wise error rate under any dependence between
 * the tests. Chosen over Benjamini-Hochberg because an experiment's metrics are few (six) and strongly
 * dependent (deal rate and deal value move together), and because a "ship" call is one claim that should
 * hold as a whole, not a discovery list where some false ones are tolerable; with six tests Holm costs little
 * power. Returns adjusted p-values in the input order: reject H_i at level α iff adjusted_i ≤ α.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p || a.i - b.i);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}
