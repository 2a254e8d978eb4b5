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

const DIRECT_LIMIT = 1 << 22;

/** Builds the chain. Paths with conversions + nulls = 0 are ignored. Throws RangeError if (C+1)^k ≥ 2^53. */
export function buildMarkovChain(enc: EncodedPaths, order: number): MarkovChain {
  if (!Number.isInteger(order) || order < 1 || order > 4) throw new RangeError(`order must be 1..4, got ${order}`);
  const base = enc.channels.length + 1;
  if (Math.pow(base, order) >= 2 ** 53) throw new RangeError('too many channels for this order');
  const pow = Array.from({ length: order }, (_, j) => Math.pow(base, j));
  const top = pow[order - 1];
  // state key → id: a direct table when the key space is small (the usual case), a Map otherwise
  const keySpace = Math.pow(base, order);
  const direct = keySpace <= DIRECT_LIMIT ? new Int32Array(keySpace).fill(-1) : null;
  const map = direct ? null : new Map<number, number>();
  if (direct) direct[0] = 0;
  else map!.set(0, 0);
  const stateKeys: number[] = [0];
  const stateLens: number[] = [0];

  // pass 1: one edge record per touch (from, to, weight); terminal weights per state
  const touches = enc.offsets[enc.count];
  const eFrom = new Int32Array(touches);
  const eTo = new Int32Array(touches);
  const eW = new Float64Array(touches);
  let ne = 0;
  let convW = new Float64Array(1024);
  let nullW = new Float64Array(1024);

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
      let to = direct ? direct[key] : (map!.get(key) ?? -1);
      if (to < 0) {
        to = stateKeys.length;
        if (direct) direct[key] = to;
        else map!.set(key, to);
        stateKeys.push(key);
        stateLens.push(len);
        if (to >= convW.length) {
          convW = grow(convW);
          nullW = grow(nullW);
        }
      }
      eFrom[ne] = from;
      eTo[ne] = to;
      eW[ne++] = w;
      from = to;
    }
    convW[from] += c;
    nullW[from] += nl;
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

  // pass 2: bucket edge records by source (counting sort), then merge duplicate targets per row
  const bucketStart = new Int32Array(n + 1);
  for (let e = 0; e < ne; e++) bucketStart[eFrom[e] + 1]++;
  for (let s = 0; s < n; s++) bucketStart[s + 1] += bucketStart[s];
  const fillAt = bucketStart.slice(0, n);
  const bTo = new Int32Array(ne);
  const bW = new Float64Array(ne);
  for (let e = 0; e < ne; e++) {
    const at = fillAt[eFrom[e]]++;
    bTo[at] = eTo[e];
    bW[at] = eW[e];
  }
  const slot = new Int32Array(n).fill(-1);
  const rowStart = new Int32Array(n + 1);
  const col = new Int32Array(ne);
  const prob = new Float64Array(ne);
  const selfProb = new Float64Array(n);
  const convProb = new Float64Array(n);
  const nullProb = new Float64Array(n);
  let nnz = 0;
  for (let s = 0; s < n; s++) {
    const first = nnz;
    let out = convW[s] + nullW[s];
    let self = 0;
    for (let k = bucketStart[s]; k < bucketStart[s + 1]; k++) {
      const t = bTo[k];
      out += bW[k];
      if (t === s) self += bW[k];
      else if (slot[t] >= first) prob[slot[t]] += bW[k];
      else {
        slot[t] = nnz;
        col[nnz] = t;
        prob[nnz++] = bW[k];
      }
    }
    rowStart[s + 1] = nnz;
    if (out > 0) {
      for (let k = first; k < nnz; k++) prob[k] /= out;
      selfProb[s] = self / out;
      convProb[s] = convW[s] / out;
      nullProb[s] = nullW[s] / out;
    }
  }
  const sweepOrder = Int32Array.from({ length: n }, (_, s) => s).sort((a, b) => stateLens[b] - stateLens[a]);
  return {
    order,
    n,
    stateStart,
    stateChannels,
    rowStart,
    col: col.slice(0, nnz),
    prob: prob.slice(0, nnz),
    selfProb,
    convProb,
    nullProb,
    sweepOrder,
  };
}

function grow(a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
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
