import { normalQuantile } from './distributions.js';

/** What a metric's statistics need of one arm: units, mean and sample variance (n − 1 denominator). */
export interface ArmSummary {
  n: number;
  mean: number;
  variance: number;
}

export interface SequentialOptions {
  /** Two-sided error rate the sequence holds at every look at once (default 0.05). */
  alpha: number;
  /**
   * N*: the total sample size at which the sequence is tightest (GrowthBook's "tuning parameter"; default 5000).
   * Any positive value keeps the sequence valid; it only moves where it is narrowest.
   */
  tuningN: number;
}

export const DEFAULT_SEQUENTIAL: SequentialOptions = { alpha: 0.05, tuningN: 5000 };

export interface DifferenceInterval {
  /** treatment mean − control mean. */
  estimate: number;
  lower: number;
  upper: number;
  /** The always-valid p-value: the smallest α whose sequence excludes 0 at this look (1 when undefined). */
  pValue: number;
}

/** ρ² of the normal mixture, chosen so the sequence is tightest at N* for this α (Waudby-Smith et al., eq. for ρ). */
export function mixtureRho2(alpha: number, tuningN: number): number {
  const l = -2 * Math.log(alpha);
  return (l + Math.log(l + 1)) / tuningN;
}

/**
 * Half-width factor of the asymptotic confidence sequence (Waudby-Smith, Arbour, Sinha, Kennedy & Ramdas,
 * "Time-uniform central limit theory and asymptotic confidence sequences", 2023, Thm 2.2 with the normal
 * mixture): with N units seen and per-unit standard deviation σ, μ̂ ± σ · sqrt( 2(Nρ²+1) / (N²ρ²) · ln(√(Nρ²+1) / α) ).
 */
export function csRadius(sigma: number, n: number, alpha: number, rho2: number): number {
  const a = n * rho2 + 1;
  return sigma * Math.sqrt(((2 * a) / (n * n * rho2)) * Math.log(Math.sqrt(a) / alpha));
}

/**
 * Always-valid interval for the difference of two means (or proportions: mean of 0/1, variance p(1−p)·n/(n−1)).
 * The difference's variance V = s_c²/n_c + s_t²/n_t is read as σ²/N with N = n_c + n_t, which is what
 * GrowthBook's sequential engine does; valid at every look, so a daily peek does not inflate the error.
 */
export function differenceSequence(control: ArmSummary, treatment: ArmSummary, o: SequentialOptions = DEFAULT_SEQUENTIAL): DifferenceInterval {
  const estimate = treatment.mean - control.mean;
  if (control.n < 2 || treatment.n < 2) return { estimate: Number.isFinite(estimate) ? estimate : 0, lower: -Infinity, upper: Infinity, pValue: 1 };
  const n = control.n + treatment.n;
  const v = control.variance / control.n + treatment.variance / treatment.n;
  const sigma = Math.sqrt(v * n);
  const rho2 = mixtureRho2(o.alpha, o.tuningN);
  if (sigma === 0) {
    const p = estimate === 0 ? 1 : 0;
    return { estimate, lower: estimate, upper: estimate, pValue: p };
  }
  const r = csRadius(sigma, n, o.alpha, rho2);
  // Solving csRadius(α) = |estimate| for α with ρ held at its design value: a closed form.
  const a = n * rho2 + 1;
  const pValue = Math.min(1, Math.sqrt(a) * Math.exp(-(estimate * estimate * n * n * rho2) / (2 * sigma * sigma * a)));
  return { estimate, lower: estimate - r, upper: estimate + r, pValue };
}

/**
 * The fixed-horizon (Welch) interval: valid once, at a sample size fixed in advance. Kept to show in the
 * tests and docs what daily peeking does to it; the decisions never use it.
 */
export function fixedHorizonInterval(control: ArmSummary, treatment: ArmSummary, alpha = 0.05): { lower: number; upper: number } {
  const estimate = treatment.mean - control.mean;
  const se = Math.sqrt(control.variance / control.n + treatment.variance / treatment.n);
  const z = normalQuantile(1 - alpha / 2);
  return { lower: estimate - z * se, upper: estimate + z * se };
}

/** An arm summary of 0/1 outcomes: `successes` out of `n`. */
export function proportionArm(successes: number, n: number): ArmSummary {
  const mean = n > 0 ? successes / n : 0;
  return { n, mean, variance: n > 1 ? (mean * (1 - mean) * n) / (n - 1) : 0 };
}

/** An arm summary from running sums: n, Σx, Σx². */
export function armFromSums(n: number, sum: number, sumSquares: number): ArmSummary {
  const mean = n > 0 ? sum / n : 0;
  const variance = n > 1 ? Math.max(0, (sumSquares - n * mean * mean) / (n - 1)) : 0;
  return { n, mean, variance };
}
