import { lnBeta, normalCdf, normalPdf } from './distributions.js';

export interface BayesVerdict {
  /** P(treatment is better than control), "better" in the metric's direction. */
  probabilityToBeat: number;
  /** E[max(control − treatment, 0)] in the metric's units (for lower-is-better metrics, the other way round): what shipping costs if wrong. */
  expectedLoss: number;
}

/**
 * P(X > Y) for X ~ Beta(a, b), Y ~ Beta(c, d) with integer a: Evan Miller's closed form
 * Σ_{i=0}^{a−1} B(c+i, b+d) / ((b+i) · B(1+i, b) · B(c, d)), summed in log space.
 */
export function probBetaGreater(a: number, b: number, c: number, d: number): number {
  if (!Number.isInteger(a)) throw new RangeError('probBetaGreater needs an integer first shape');
  let total = 0;
  const lnBcd = lnBeta(c, d);
  for (let i = 0; i < a; i++) total += Math.exp(lnBeta(c + i, b + d) - Math.log(b + i) - lnBeta(1 + i, b) - lnBcd);
  return Math.min(1, Math.max(0, total));
}

/**
 * Beta-Binomial comparison of two rates with a uniform Beta(1, 1) prior. The expected loss of shipping the
 * treatment is E[(p_c − p_t)⁺] = E[p_c]·P(p_c' > p_t) − E[p_t]·P(p_c > p_t'), where p_c' ~ Beta(α_c+1, β_c) and
 * p_t' ~ Beta(α_t+1, β_t) (size-biased posteriors), so both terms use the same exact sum.
 * Above 20,000 successes the normal approximation is used (the sum's cost grows with them).
 */
export function betaBinomialVerdict(
  control: { successes: number; n: number },
  treatment: { successes: number; n: number },
  higherIsBetter = true,
): BayesVerdict {
  const ac = control.successes + 1;
  const bc = control.n - control.successes + 1;
  const at = treatment.successes + 1;
  const bt = treatment.n - treatment.successes + 1;
  if (Math.max(ac, at) > 20_000) {
    const mean = (a: number, b: number) => a / (a + b);
    const varOf = (a: number, b: number) => (a * b) / ((a + b) ** 2 * (a + b + 1));
    return normalVerdict(mean(at, bt) - mean(ac, bc), varOf(ac, bc) + varOf(at, bt), higherIsBetter);
  }
  const pTgtC = probBetaGreater(at, bt, ac, bc);
  const lossIfHigher = (ac / (ac + bc)) * probBetaGreater(ac + 1, bc, at, bt) - (at / (at + bt)) * probBetaGreater(ac, bc, at + 1, bt);
  if (higherIsBetter) return { probabilityToBeat: pTgtC, expectedLoss: Math.max(0, lossIfHigher) };
  // Lower is better: loss is E[(p_t − p_c)⁺] = E[(p_c − p_t)⁺] + E[p_t − p_c].
  const lossIfLower = lossIfHigher + at / (at + bt) - ac / (ac + bc);
  return { probabilityToBeat: 1 - pTgtC, expectedLoss: Math.max(0, lossIfLower) };
}

/**
 * Normal approximation for a difference of means: D = treatment − control ~ N(estimate, variance) (flat prior).
 * P(D > 0) = Φ(μ/σ); E[(−D)⁺] = σφ(μ/σ) − μΦ(−μ/σ). Lower-is-better metrics flip the sign of D.
 */
export function normalVerdict(estimate: number, variance: number, higherIsBetter = true): BayesVerdict {
  const mu = higherIsBetter ? estimate : -estimate;
  const sigma = Math.sqrt(variance);
  if (!(sigma > 0)) return { probabilityToBeat: mu > 0 ? 1 : mu < 0 ? 0 : 0.5, expectedLoss: Math.max(0, -mu) };
  const z = mu / sigma;
  return { probabilityToBeat: normalCdf(z), expectedLoss: Math.max(0, sigma * normalPdf(z) - mu * normalCdf(-z)) };
}
