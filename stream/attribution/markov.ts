import { toEncoded, totalsOf } from './encode.js';
import { buildMarkovChain, transitionList, type MarkovChain, type Transition } from './markov-chain.js';
import { solveConversion, type SolveOptions, type SolveResult } from './markov-solve.js';
import { buildResult, shareOut } from './result.js';
import type { AttributionResult, EncodedPaths, PathInput } from './types.js';

export interface MarkovOptions extends SolveOptions {
  /** chain order 1..4, default 1 */
  order?: number;
  /** include the sparse transition list in the result (default true) */
  includeTransitions?: boolean;
}

export interface MarkovResult extends AttributionResult {
  order: number;
  /** P(conversion | start) of the fitted chain (equals base_conversion_rate: flows are conserved) */
  conversion_probability: number;
  /** sparse transition matrix; empty when includeTransitions is false */
  transitions: Transition[];
  /** worst certified half-width of any solve (0 for the direct solver), and solver facts */
  solver: { method: 'dense' | 'iterative'; states: number; max_error_bound: number; sweeps: number };
}

/**
 * Markov-chain attribution solved exactly. P = P(conv | start); for each channel c, P_c is the same with every
 * state containing c redirected to (null); removal effect RE_c = 1 − P_c / P. Conversions and value are split
 * in proportion to the removal effects: credit_c = RE_c / Σ RE × total.
 */
export function markovAttribution(input: PathInput, opts: MarkovOptions = {}): MarkovResult {
  const enc = toEncoded(input);
  const order = opts.order ?? 1;
  const chain = buildMarkovChain(enc, order);
  const removal = removalEffects(chain, enc, opts);
  const t = totalsOf(enc);
  const { conv, val } = shareOut(removal.effects, t.conversions, t.value);
  const base = buildResult('markov', enc, conv, val, { order, removalEffects: removal.effects });
  return {
    ...base,
    order,
    conversion_probability: removal.base.value,
    transitions: opts.includeTransitions === false ? [] : transitionList(chain, enc.channels),
    solver: {
      method: removal.base.method,
      states: chain.n,
      max_error_bound: removal.maxBound,
      sweeps: removal.sweeps,
    },
  };
}

/** Removal effects per channel id, from one base solve plus one solve per channel. */
export function removalEffects(chain: MarkovChain, enc: EncodedPaths, opts: SolveOptions = {}) {
  const nc = enc.channels.length;
  const statesOf: number[][] = Array.from({ length: nc }, () => []);
  for (let s = 1; s < chain.n; s++) {
    let last = -1;
    for (let j = chain.stateStart[s]; j < chain.stateStart[s + 1]; j++) {
      const c = chain.stateChannels[j];
      if (c !== last) statesOf[c].push(s);
      last = c;
    }
  }
  const base = solveConversion(chain, null, opts);
  let maxBound = (base.upper - base.lower) / 2;
  let sweeps = base.sweeps;
  const effects = new Float64Array(nc);
  const removed = new Uint8Array(chain.n);
  for (let c = 0; c < nc; c++) {
    if (statesOf[c].length === 0 || base.value <= 0) continue;
    removed.fill(0);
    for (const s of statesOf[c]) removed[s] = 1;
    const r: SolveResult = solveConversion(chain, removed, opts);
    maxBound = Math.max(maxBound, (r.upper - r.lower) / 2);
    sweeps += r.sweeps;
    effects[c] = Math.max(0, 1 - r.value / base.value);
  }
  return { base, effects, maxBound, sweeps };
}
