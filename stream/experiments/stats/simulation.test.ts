import { describe, expect, it } from 'vitest';
import { seededRng, logNormal, type Rng } from '../../../shared/random.js';
import { armFromSums, differenceSequence, fixedHorizonInterval, type ArmSummary } from './confidence-sequence.js';

/**
 * Known answers by simulation: experiments with a planted lift, looked at every "day". The always-valid
 * sequence must cover the true difference at every look at once in ≥ 1 − α of the runs, and in A/A runs must
 * exclude 0 at some look (a false stop) in ≤ α of them, both within 3 Monte-Carlo standard errors. The
 * fixed-horizon interval peeked at daily must fail the A/A bound: that shows the check can fail.
 */
const ALPHA = 0.05;
const DAYS = 14;

class Sums {
  n = 0;
  s = 0;
  ss = 0;
  add(x: number) {
    this.n++;
    this.s += x;
    this.ss += x * x;
  }
  arm(): ArmSummary {
    return armFromSums(this.n, this.s, this.ss);
  }
}

interface RunResult {
  coveredAlways: boolean;
  sequentialFalseStop: boolean;
  naiveFalseStop: boolean;
}

function run(rng: Rng, perDay: number, draw: (rng: Rng, treated: boolean) => number, trueDiff: number): RunResult {
  const c = new Sums();
  const t = new Sums();
  let coveredAlways = true;
  let sequentialFalseStop = false;
  let naiveFalseStop = false;
  for (let day = 0; day < DAYS; day++) {
    for (let i = 0; i < perDay; i++) {
      c.add(draw(rng, false));
      t.add(draw(rng, true));
    }
    const cs = differenceSequence(c.arm(), t.arm(), { alpha: ALPHA, tuningN: 2 * perDay * DAYS });
    if (cs.lower > trueDiff || cs.upper < trueDiff) coveredAlways = false;
    if (cs.lower > 0 || cs.upper < 0) sequentialFalseStop = true;
    const fixed = fixedHorizonInterval(c.arm(), t.arm(), ALPHA);
    if (fixed.lower > 0 || fixed.upper < 0) naiveFalseStop = true;
  }
  return { coveredAlways, sequentialFalseStop, naiveFalseStop };
}

function repeat(sims: number, seed: number, perDay: number, draw: (rng: Rng, treated: boolean) => number, trueDiff: number) {
  const rng = seededRng(seed);
  const results = Array.from({ length: sims }, () => run(rng, perDay, draw, trueDiff));
  const rate = (f: (r: RunResult) => boolean) => results.filter(f).length / sims;
  const mcError = 3 * Math.sqrt((ALPHA * (1 - ALPHA)) / sims);
  return { coverage: rate((r) => r.coveredAlways), sequentialFalse: rate((r) => r.sequentialFalseStop), naiveFalse: rate((r) => r.naiveFalseStop), mcError };
}

const bernoulli = (pc: number, pt: number) => (rng: Rng, treated: boolean) => (rng() < (treated ? pt : pc) ? 1 : 0);
// Deal value per customer: most buy nothing, buyers spend a log-normal amount (heavy right tail).
const dealValue = (pc: number, pt: number, median: number) => (rng: Rng, treated: boolean) => (rng() < (treated ? pt : pc) ? logNormal(rng, median, 0.8) : 0);
const logNormalMean = (median: number) => median * Math.exp(0.8 ** 2 / 2);

describe('always-valid confidence sequences under daily peeking (seeded simulation)', () => {
  it('cover a known lift in a conversion rate at every look in ≥ 1 − α of the runs', () => {
    const r = repeat(400, 16, 150, bernoulli(0.2, 0.23), 0.03);
    expect(r.coverage).toBeGreaterThanOrEqual(1 - ALPHA - r.mcError);
  });

  it('A/A on a conversion rate: false stops ≤ α, while the peeked fixed-horizon interval exceeds it', () => {
    const r = repeat(400, 17, 150, bernoulli(0.2, 0.2), 0);
    expect(r.sequentialFalse).toBeLessThanOrEqual(ALPHA + r.mcError);
    expect(r.naiveFalse).toBeGreaterThan(ALPHA + r.mcError);
  });

  it('cover a known lift in mean deal value (zero-inflated log-normal) and stop falsely ≤ α in A/A', () => {
    const lift = repeat(300, 18, 200, dealValue(0.1, 0.12, 1000), 0.02 * logNormalMean(1000));
    expect(lift.coverage).toBeGreaterThanOrEqual(1 - ALPHA - lift.mcError);
    const aa = repeat(300, 19, 200, dealValue(0.1, 0.1, 1000), 0);
    expect(aa.sequentialFalse).toBeLessThanOrEqual(ALPHA + aa.mcError);
  });

  it('detects a real lift: power grows with the effect (the sequence is not trivially wide)', () => {
    const r = repeat(200, 20, 300, bernoulli(0.2, 0.28), 0.08);
    // With 8 points on 20 % and 4,200 per arm by the end, nearly every run excludes 0 at some look.
    expect(r.sequentialFalse).toBeGreaterThan(0.9);
  });
});
