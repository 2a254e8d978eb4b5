import type { Rng } from '../../shared/random.js';
import { fits, type Script, type SuggestContext } from './script.js';

/**
 * What the bandit knows about one script in one context: how many conversations it was shown in (trials) and
 * the reward those earned (used: a little, the conversation reaching an opportunity or a deal: a lot).
 */
export interface Posterior {
  trials: number;
  reward: number;
}

/** Reward per event (docs/ai.md, Reply suggestions). Shown is a trial with no reward. */
export const REWARD = Object.freeze({ shown: 0, used: 0.1, edited: 0.05, opportunity: 0.9, deal: 0.9, csat: 0.5 });

/**
 * The reward a CSAT score (1-5) earns the scripts used in its conversation: REWARD.csat for a 5, half of it for a
 * 4, nothing for 3 or less (the trial was already counted, so an unhappy customer lowers the script's mean).
 * Smaller than a deal: satisfaction is the secondary aim of a sales script, and a survey answers few conversations.
 */
export function csatReward(score: number): number {
  return (REWARD.csat * Math.max(0, Math.min(2, Math.round(score) - 3))) / 2;
}

/** Beta(α, β) parameters of a posterior under a uniform Beta(1, 1) prior; reward is capped at the trials. */
export function betaParams(p: Posterior | undefined): { alpha: number; beta: number } {
  const n = Math.max(0, p?.trials ?? 0);
  const r = Math.min(Math.max(0, p?.reward ?? 0), n);
  return { alpha: 1 + r, beta: 1 + n - r };
}

/** A standard normal sample (Box–Muller) from the injected uniform source. */
export function normalSample(rng: Rng): number {
  const u = Math.max(rng(), Number.MIN_VALUE);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/**
 * Gamma(shape, 1) by Marsaglia and Tsang (2000), "A simple method for generating gamma variables";
 * shape < 1 through Gamma(shape + 1) · U^(1/shape). Pure given `rng`.
 */
export function gammaSample(shape: number, rng: Rng): number {
  if (!(shape > 0)) throw new RangeError(`gamma shape must be > 0, got ${shape}`);
  if (shape < 1) return gammaSample(shape + 1, rng) * Math.pow(Math.max(rng(), Number.MIN_VALUE), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normalSample(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(Math.max(u, Number.MIN_VALUE)) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta(alpha, beta) as X / (X + Y) with X ~ Gamma(alpha), Y ~ Gamma(beta). */
export function betaSample(alpha: number, beta: number, rng: Rng): number {
  const x = gammaSample(alpha, rng);
  const y = gammaSample(beta, rng);
  return x + y === 0 ? 0.5 : x / (x + y);
}

export interface Suggestion {
  script: Script;
  /** The Thompson sample that ranked it (for inspection, not a probability to show). */
  score: number;
}

/** Generic fillers: scripts for greetings and unclear messages, used when fewer than k scripts fit. */
const generic = (s: Script) => s.intents.length === 0 || s.intents.includes('other');

/**
 * Top `k` scripts for a context by Thompson sampling: every fitting script draws θ ~ Beta(α, β) from its
 * posterior in this context and the highest draws win. When fewer than `k` fit, generic scripts of the same
 * language, tag and stage fill in (ranked the same way, after the fitting ones). Pure given `rng`; samples in
 * library order, so the same seed gives the same answer.
 */
export function suggest(context: SuggestContext, library: readonly Script[], posteriors: Readonly<Record<string, Posterior>>, rng: Rng, k = 3): Suggestion[] {
  const draw = (s: Script): Suggestion => {
    const { alpha, beta } = betaParams(posteriors[s.id]);
    return { script: s, score: betaSample(alpha, beta, rng) };
  };
  const byScore = (a: Suggestion, b: Suggestion) => b.score - a.score || (a.script.id < b.script.id ? -1 : 1);
  const fitting = library
    .filter((s) => fits(s, context))
    .map(draw)
    .sort(byScore)
    .slice(0, k);
  if (fitting.length >= k) return fitting;
  const taken = new Set(fitting.map((f) => f.script.id));
  const fill = library
    .filter((s) => !taken.has(s.id) && generic(s) && fits(s, { ...context, intent: 'other' }))
    .map(draw)
    .sort(byScore);
  return [...fitting, ...fill].slice(0, k);
}
