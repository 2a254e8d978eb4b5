import type { EncodedPaths } from './types.js';

/**
 * An order-k absorbing Markov chain estimated from aggregated paths. Transient state 0 is (start); the others
 * are channel tuples: after the t-th touch the state is the last min(t, k) channels (so the first k − 1 steps
 * of a path go through shorter "prefix" states). A path ends in (conversion) with weight = its conversions
 * and in (null) with weight = its nulls; every step of it carries weight = conversions + nulls.
 */
export interface MarkovChain {
  order: number;
  /** number of transient states (start included) */
  n: number;
  /** channel ids of state s: stateChannels[stateStart[s] .. stateStart[s + 1]) (empty for start) */
  stateStart: Int32Array;
  stateChannels: Int32Array;
  /** CSR rows of transient → transient transitions, self loops excluded */
  rowStart: Int32Array;
  col: Int32Array;
  prob: Float64Array;
  selfProb: Float64Array;
  convProb: Float64Array;
  nullProb: Float64Array;
  /** Gauss–Seidel sweep order: longest tuples first, start last (prefix states only lead to longer ones) */
  sweepOrder: Int32Array;
}

const EDGE_SHIFT = 2 ** 26;

/** Builds the chain. Paths with conversions + nulls = 0 are ignored. Throws RangeError if (C+1)^k ≥ 2^53. */
export function buildMarkovChain(enc: EncodedPaths, order: number): MarkovChain {
  if (!Number.isInteger(order) || order < 1 || order > 4) throw new RangeError(`order must be 1..4, got ${order}`);
  const base = enc.channels.length + 1;
  if (Math.pow(base, order) >= 2 ** 53) throw new RangeError('too many channels for this order');
  const pow = Array.from({ length: order }, (_, j) => Math.pow(base, j));
  const top = pow[order - 1];
  const stateOf = new Map<number, number>([[0, 0]]);
  const stateKeys: number[] = [0];
  const stateLens: number[] = [0];
  const edges = new Map<number, number>();
  const convW: number[] = [0];
  const nullW: number[] = [0];
  const outW: number[] = [0];

  for (let i = 0; i < enc.count; i++) {
    const c = enc.conversions[i];
    const nl = enc.nulls[i];
    const w = c + nl;
    if (w <= 0) continue;
    let from = 0;
    let key = 0;
    let len = 0;
    const end = enc.offsets[i + 1];
    for (let t = enc.offsets[i]; t < end; t++) {
      const ch = enc.touches[t] + 1;
      if (len < order) {
        key += ch * pow[len];
        len++;
      } else {
        key = Math.floor(key / base) + ch * top;
      }
      let to = stateOf.get(key);
      if (to === undefined) {
        to = stateKeys.length;
        stateOf.set(key, to);
        stateKeys.push(key);
        stateLens.push(len);
        convW.push(0);
        nullW.push(0);
        outW.push(0);
      }
      const ek = from * EDGE_SHIFT + to;
      edges.set(ek, (edges.get(ek) ?? 0) + w);
      outW[from] += w;
      from = to;
    }
    convW[from] += c;
    nullW[from] += nl;
    outW[from] += w;
  }

  const n = stateKeys.length;
  const stateStart = new Int32Array(n + 1);
  for (let s = 0; s < n; s++) stateStart[s + 1] = stateStart[s] + stateLens[s];
  const stateChannels = new Int32Array(stateStart[n]);
  for (let s = 0; s < n; s++) {
    let key = stateKeys[s];
    for (let j = 0; j < stateLens[s]; j++) {
      stateChannels[stateStart[s] + j] = (key % base) - 1;
      key = Math.floor(key / base);
    }
  }

  const selfProb = new Float64Array(n);
  const rowCount = new Int32Array(n + 1);
  for (const ek of edges.keys()) {
    const f = Math.floor(ek / EDGE_SHIFT);
    if (ek - f * EDGE_SHIFT !== f) rowCount[f + 1]++;
  }
  const rowStart = new Int32Array(n + 1);
  for (let s = 0; s < n; s++) rowStart[s + 1] = rowStart[s] + rowCount[s + 1];
  const fill = rowStart.slice(0, n);
  const col = new Int32Array(rowStart[n]);
  const prob = new Float64Array(rowStart[n]);
  for (const [ek, w] of edges) {
    const f = Math.floor(ek / EDGE_SHIFT);
    const t = ek - f * EDGE_SHIFT;
    if (t === f) selfProb[f] = w / outW[f];
    else {
      const at = fill[f]++;
      col[at] = t;
      prob[at] = w / outW[f];
    }
  }
  const convProb = new Float64Array(n);
  const nullProb = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    if (outW[s] > 0) {
      convProb[s] = convW[s] / outW[s];
      nullProb[s] = nullW[s] / outW[s];
    }
  }
  const sweepOrder = Int32Array.from({ length: n }, (_, s) => s).sort((a, b) => stateLens[b] - stateLens[a]);
  return { order, n, stateStart, stateChannels, rowStart, col, prob, selfProb, convProb, nullProb, sweepOrder };
}

/** Human label of a state: (start) or channels joined by ",". */
export function stateLabel(chain: MarkovChain, channels: readonly string[], s: number): string {
  if (s === 0) return '(start)';
  const parts: string[] = [];
  for (let j = chain.stateStart[s]; j < chain.stateStart[s + 1]; j++) parts.push(channels[chain.stateChannels[j]]);
  return parts.join(',');
}

export interface Transition {
  from: string;
  to: string;
  probability: number;
}

/** The transition matrix as a sparse list (including → (conversion) and → (null)). */
export function transitionList(chain: MarkovChain, channels: readonly string[]): Transition[] {
  const labels = Array.from({ length: chain.n }, (_, s) => stateLabel(chain, channels, s));
  const out: Transition[] = [];
  for (let s = 0; s < chain.n; s++) {
    if (chain.selfProb[s] > 0) out.push({ from: labels[s], to: labels[s], probability: chain.selfProb[s] });
    for (let e = chain.rowStart[s]; e < chain.rowStart[s + 1]; e++) {
      out.push({ from: labels[s], to: labels[chain.col[e]], probability: chain.prob[e] });
    }
    if (chain.convProb[s] > 0) out.push({ from: labels[s], to: '(conversion)', probability: chain.convProb[s] });
    if (chain.nullProb[s] > 0) out.push({ from: labels[s], to: '(null)', probability: chain.nullProb[s] });
  }
  return out;
}
