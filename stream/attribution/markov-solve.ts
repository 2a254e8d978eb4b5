import type { MarkovChain } from './markov-chain.js';

export type SolverChoice = 'auto' | 'dense' | 'iterative';

export interface SolveOptions {
  solver?: SolverChoice;
  /** 'auto' solves directly up to this many transient states. Default 400. */
  denseLimit?: number;
  /** iterative: stop when upper − lower ≤ max(relTol · lower, absTol) at the start state. Default 1e-14, absTol 1e-15. */
  relTol?: number;
  absTol?: number;
  /** iterative: give up after this many sweeps (the bracket is still reported). Default 100000. */
  maxSweeps?: number;
}

export interface SolveResult {
  /** P(reach conversion | start) */
  value: number;
  /** certified bracket [lower, upper] (up to floating rounding); equal to value for the direct solve */
  lower: number;
  upper: number;
  method: 'dense' | 'iterative';
  sweeps: number;
}

/**
 * P(absorb in conversion | start) for the chain with the states flagged in `removed` turned into (null).
 * Solves (I − Q) x = r over the remaining transient states, Q the transient block and r the one-step
 * conversion probabilities.
 */
export function solveConversion(chain: MarkovChain, removed: Uint8Array | null, opts: SolveOptions = {}): SolveResult {
  const choice = opts.solver ?? 'auto';
  const useDense = choice === 'dense' || (choice === 'auto' && chain.n <= (opts.denseLimit ?? 400));
  return useDense ? solveDense(chain, removed) : solveIterative(chain, removed, opts);
}

/** Gaussian elimination with partial pivoting on the kept transient states: exact up to rounding. */
function solveDense(chain: MarkovChain, removed: Uint8Array | null): SolveResult {
  const index = new Int32Array(chain.n).fill(-1);
  let m = 0;
  for (let s = 0; s < chain.n; s++) if (!removed || !removed[s]) index[s] = m++;
  const a = new Float64Array(m * m);
  const b = new Float64Array(m);
  for (let s = 0; s < chain.n; s++) {
    const i = index[s];
    if (i < 0) continue;
    a[i * m + i] = 1 - chain.selfProb[s];
    b[i] = chain.convProb[s];
    for (let e = chain.rowStart[s]; e < chain.rowStart[s + 1]; e++) {
      const j = index[chain.col[e]];
      if (j >= 0) a[i * m + j] -= chain.prob[e];
    }
  }
  for (let k = 0; k < m; k++) {
    let p = k;
    let best = Math.abs(a[k * m + k]);
    for (let i = k + 1; i < m; i++) {
      const v = Math.abs(a[i * m + k]);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (p !== k) {
      for (let j = k; j < m; j++) {
        const t = a[k * m + j];
        a[k * m + j] = a[p * m + j];
        a[p * m + j] = t;
      }
      const t = b[k];
      b[k] = b[p];
      b[p] = t;
    }
    const piv = a[k * m + k];
    for (let i = k + 1; i < m; i++) {
      const f = a[i * m + k] / piv;
      if (f === 0) continue;
      for (let j = k + 1; j < m; j++) a[i * m + j] -= f * a[k * m + j];
      b[i] -= f * b[k];
    }
  }
  const x = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    let s = b[i];
    for (let j = i + 1; j < m; j++) s -= a[i * m + j] * x[j];
    x[i] = s / a[i * m + i];
  }
  const v = m > 0 ? x[0] : 0;
  return { value: v, lower: v, upper: v, method: 'dense', sweeps: 0 };
}

/**
 * Two Gauss–Seidel iterations in lockstep, one from x = 0 and one from x = 1. Both update maps are monotone
 * (non-negative coefficients) and x* is their fixed point with 0 ≤ x* ≤ 1, so the first rises and the second
 * falls towards x*: after every sweep lower ≤ x* ≤ upper is proven, not estimated. Convergence follows
 * because every observed state reaches an absorbing state (Q's spectral radius is < 1).
 */
function solveIterative(chain: MarkovChain, removed: Uint8Array | null, opts: SolveOptions): SolveResult {
  const relTol = opts.relTol ?? 1e-14;
  const absTol = opts.absTol ?? 1e-15;
  const maxSweeps = opts.maxSweeps ?? 100_000;
  const { n, rowStart, col, prob, selfProb, convProb, sweepOrder } = chain;
  const lo = new Float64Array(n);
  const hi = new Float64Array(n).fill(1);
  const active: number[] = [];
  for (let k = 0; k < n; k++) {
    const s = sweepOrder[k];
    if (removed && removed[s]) hi[s] = 0;
    else active.push(s);
  }
  const act = Int32Array.from(active);
  const inv = new Float64Array(n);
  for (let s = 0; s < n; s++) inv[s] = 1 / (1 - selfProb[s]);
  let sweeps = 0;
  while (sweeps < maxSweeps) {
    sweeps++;
    for (let k = 0; k < act.length; k++) {
      const s = act[k];
      let a = convProb[s];
      let b = a;
      for (let e = rowStart[s]; e < rowStart[s + 1]; e++) {
        const p = prob[e];
        const j = col[e];
        a += p * lo[j];
        b += p * hi[j];
      }
      lo[s] = a * inv[s];
      hi[s] = b * inv[s];
    }
    if (removed && removed[0]) break;
    if (hi[0] - lo[0] <= Math.max(relTol * lo[0], absTol)) break;
  }
  const lower = lo[0];
  const upper = Math.max(hi[0], lower);
  return { value: (lower + upper) / 2, lower, upper, method: 'iterative', sweeps };
}
