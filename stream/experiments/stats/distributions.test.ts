import { describe, expect, it } from 'vitest';
import { betaCdf, betaPdf, chiSquareSf, erfc, lnGamma, normalCdf, normalQuantile } from './distributions.js';
import { betaBinomialVerdict, normalVerdict, probBetaGreater } from './bayes.js';

/** Composite Simpson's rule on [lo, hi] with `n` (even) panels: the independent second implementation. */
function simpson(f: (x: number) => number, lo: number, hi: number, n = 4000): number {
  const h = (hi - lo) / n;
  let s = f(lo) + f(hi);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(lo + i * h);
  return (s * h) / 3;
}

describe('distribution functions against known values and a second computation', () => {
  it('ln Γ matches factorials and Γ(½) = √π', () => {
    expect(lnGamma(1)).toBeCloseTo(0, 12);
    expect(lnGamma(11)).toBeCloseTo(Math.log(3628800), 10);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
  });

  it('Φ and Φ⁻¹ match tabled values and invert each other', () => {
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 12);
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316301, 14);
    expect(erfc(3)).toBeCloseTo(2.209049699858544e-5, 16);
    for (const p of [1e-8, 0.001, 0.025, 0.3, 0.5, 0.9, 0.999999]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 12);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 10);
  });

  it('the Beta CDF equals the integral of the Beta density', () => {
    for (const [a, b, x] of [
      [2, 3, 0.4],
      [12, 40, 0.2],
      [30, 7, 0.85],
      [1, 1, 0.37],
    ]) {
      expect(betaCdf(x, a, b)).toBeCloseTo(
        simpson((t) => betaPdf(t, a, b), 0, x),
        9,
      );
    }
    // Beta(½, ½) (density singular at both ends) has the closed form (2/π)·arcsin(√x).
    for (const x of [0.01, 0.3, 0.5, 0.9]) expect(betaCdf(x, 0.5, 0.5)).toBeCloseTo((2 / Math.PI) * Math.asin(Math.sqrt(x)), 10);
  });

  it('χ² survival equals erfc(√(x/2)) for 1 degree of freedom and e^(−x/2) for 2', () => {
    for (const x of [0.1, 1, 3.84, 10, 25]) {
      expect(chiSquareSf(x, 1)).toBeCloseTo(erfc(Math.sqrt(x / 2)), 12);
      expect(chiSquareSf(x, 2)).toBeCloseTo(Math.exp(-x / 2), 12);
    }
    expect(chiSquareSf(3.841458820694124, 1)).toBeCloseTo(0.05, 12);
  });
});

describe('Bayesian probability to beat control and expected loss', () => {
  const cases: Array<[number, number, number, number]> = [
    [20, 200, 30, 200],
    [5, 40, 3, 45],
    [120, 1000, 118, 1000],
  ];
  it('P(p_t > p_c) equals ∫ f_t(x) F_c(x) dx', () => {
    for (const [xc, nc, xt, nt] of cases) {
      const [ac, bc, at, bt] = [xc + 1, nc - xc + 1, xt + 1, nt - xt + 1];
      const integral = simpson((x) => betaPdf(x, at, bt) * betaCdf(x, ac, bc), 0, 1, 20_000);
      expect(probBetaGreater(at, bt, ac, bc)).toBeCloseTo(integral, 8);
      expect(betaBinomialVerdict({ successes: xc, n: nc }, { successes: xt, n: nt }).probabilityToBeat).toBeCloseTo(integral, 8);
    }
  });

  it('the expected loss equals ∫∫ max(p_c − p_t, 0) by quadrature', () => {
    for (const [xc, nc, xt, nt] of cases) {
      const [ac, bc, at, bt] = [xc + 1, nc - xc + 1, xt + 1, nt - xt + 1];
      // E[(C − T)⁺] = ∫ f_c(c) ∫_0^c (c − t) f_t(t) dt dc, the inner one as c·F_t(c) − ∫_0^c t f_t(t) dt = c·F_t(c) − E[T]·F_{T'}(c).
      const meanT = at / (at + bt);
      const loss = simpson((c) => betaPdf(c, ac, bc) * (c * betaCdf(c, at, bt) - meanT * betaCdf(c, at + 1, bt)), 0, 1, 20_000);
      expect(betaBinomialVerdict({ successes: xc, n: nc }, { successes: xt, n: nt }).expectedLoss).toBeCloseTo(loss, 8);
      // Lower is better mirrors it: E[(T − C)⁺].
      const lossLower = simpson((t) => betaPdf(t, at, bt) * (t * betaCdf(t, ac, bc) - (ac / (ac + bc)) * betaCdf(t, ac + 1, bc)), 0, 1, 20_000);
      expect(betaBinomialVerdict({ successes: xc, n: nc }, { successes: xt, n: nt }, false).expectedLoss).toBeCloseTo(lossLower, 8);
    }
  });

  it('the normal verdict equals its integrals', () => {
    const mu = 0.4;
    const sd = 1.3;
    const pdf = (d: number) => Math.exp(-0.5 * ((d - mu) / sd) ** 2) / (sd * Math.sqrt(2 * Math.PI));
    const v = normalVerdict(mu, sd * sd);
    expect(v.probabilityToBeat).toBeCloseTo(simpson(pdf, 0, mu + 12 * sd), 9);
    expect(v.expectedLoss).toBeCloseTo(
      simpson((d) => -d * pdf(d), mu - 12 * sd, 0),
      9,
    );
    expect(normalVerdict(mu, sd * sd, false).probabilityToBeat).toBeCloseTo(1 - v.probabilityToBeat, 12);
  });
});
