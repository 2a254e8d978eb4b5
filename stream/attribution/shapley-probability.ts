import { toEncoded, totalsOf } from './encode.js';
import { buildResult, shareOut } from './result.js';
import { seededRng, type Rng } from '../../shared/random.js';
import type { AttributionResult, EncodedPaths, PathInput } from './types.js';

export interface ShapleyProbabilityOptions {
  /** exact enumeration up to this many channels (2^n coalitions), Monte Carlo above. Default 20, max 24. */
  exactLimit?: number;
  /** Monte Carlo: permutations to sample. Default 2000. */
  samples?: number;
  /** Monte Carlo: RNG seed (default 1) or an injected generator. */
  seed?: number;
  rng?: Rng;
  /** force Monte Carlo even when exact is possible (for testing and comparison) */
  forceMonteCarlo?: boolean;
}

export interface MonteCarloReport {
  samples: number;
  /** per-channel standard error of the credited conversions (sample s.d. / √samples, rescaled) */
  standard_errors: Array<{ channel: string; standard_error: number }>;
  max_standard_error: number;
  /**
   * Hoeffding half-width in conversions holding with probability ≥ 95 % for each channel separately:
   * marginals lie in [−1, 1], so |φ̂ − φ| ≤ 2·√(ln(2/0.05) / (2m)) in rate units, rescaled to conversions.
   */
  hoeffding_95: number;
}

export interface ShapleyProbabilityResult extends AttributionResult {
  method: 'exact' | 'monte_carlo';
  /** v(N): conversion rate of all journeys */
  grand_value: number;
  monte_carlo?: MonteCarloReport;
}

interface SetTable {
  sets: Int32Array[];
  conv: Float64Array;
  total: Float64Array;
}

/** Journeys grouped by their channel *set*: conversions and journeys (conversions + nulls) per set. */
function channelSets(enc: EncodedPaths): SetTable {
  const index = new Map<string, number>();
  const sets: Int32Array[] = [];
  const conv: number[] = [];
  const total: number[] = [];
  const seen = new Int32Array(enc.channels.length).fill(-1);
  const ids: number[] = [];
  for (let i = 0; i < enc.count; i++) {
    const w = enc.conversions[i] + enc.nulls[i];
    if (w <= 0) continue;
    ids.length = 0;
    for (let t = enc.offsets[i]; t < enc.offsets[i + 1]; t++) {
      const ch = enc.touches[t];
      if (seen[ch] !== i) {
        seen[ch] = i;
        ids.push(ch);
      }
    }
    ids.sort((a, b) => a - b);
    const key = ids.join(',');
    let k = index.get(key);
    if (k === undefined) {
      k = sets.length;
      index.set(key, k);
      sets.push(Int32Array.from(ids));
      conv.push(0);
      total.push(0);
    }
    conv[k] += enc.conversions[i];
    total[k] += w;
  }
  return { sets, conv: Float64Array.from(conv), total: Float64Array.from(total) };
}

/**
 * Conversion-probability Shapley value. The game: v(S) = conversion rate of the journeys whose channel set is
 * a subset of S (conversions / (conversions + nulls) over those journeys), v(S) = 0 when there are none; so
 * v(∅) = 0 and v(N) = the base conversion rate. φ_c is the Shapley value of that game; credits are
 * φ_c / v(N) × total (efficiency makes them sum to the totals; a channel whose presence lowers the rate can
 * get negative credit). Exact by enumerating all 2^n coalitions (O(n·2^n)) up to `exactLimit` channels,
 * Monte Carlo permutation sampling above it.
 */
export function shapleyProbabilityAttribution(input: PathInput, opts: ShapleyProbabilityOptions = {}): ShapleyProbabilityResult {
  const enc = toEncoded(input);
  const limit = Math.min(opts.exactLimit ?? 20, 24);
  const table = channelSets(enc);
  const n = enc.channels.length;
  const t = totalsOf(enc);
  if (n <= limit && !opts.forceMonteCarlo) {
    const { phi, grand } = exactShapley(n, table);
    const { conv, val } = shareOut(phi, t.conversions, t.value);
    return { ...buildResult('shapley_probability', enc, conv, val), method: 'exact', grand_value: grand };
  }
  const rng = opts.rng ?? seededRng(opts.seed ?? 1);
  const mc = monteCarloShapley(n, table, opts.samples ?? 2000, rng);
  const { conv, val } = shareOut(mc.phi, t.conversions, t.value);
  const scale = mc.grand !== 0 ? t.conversions / mc.grand : 0;
  const se = enc.channels
    .map((channel, c) => ({ channel, standard_error: mc.se[c] * Math.abs(scale) }))
    .sort((a, b) => (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0));
  const hoeffding = 2 * Math.sqrt(Math.log(2 / 0.05) / (2 * mc.samples)) * Math.abs(scale);
  return {
    ...buildResult('shapley_probability', enc, conv, val),
    method: 'monte_carlo',
    grand_value: mc.grand,
    monte_carlo: {
      samples: mc.samples,
      standard_errors: se,
      max_standard_error: se.reduce((m, s) => Math.max(m, s.standard_error), 0),
      hoeffding_95: hoeffding,
    },
  };
}

function exactShapley(n: number, table: SetTable) {
  const size = 1 << n;
  const conv = new Float64Array(size);
  const total = new Float64Array(size);
  table.sets.forEach((set, k) => {
    let mask = 0;
    for (const c of set) mask |= 1 << c;
    conv[mask] += table.conv[k];
    total[mask] += table.total[k];
  });
  // subset sums (zeta transform): conv[S] = Σ_{T ⊆ S} conv[T]
  for (let b = 0; b < n; b++) {
    const bit = 1 << b;
    for (let m = 0; m < size; m++) {
      if (m & bit) {
        conv[m] += conv[m ^ bit];
        total[m] += total[m ^ bit];
      }
    }
  }
  const v = conv; // reuse: v[S] = rate
  for (let m = 0; m < size; m++) v[m] = total[m] > 0 ? conv[m] / total[m] : 0;
  const pc = new Uint8Array(size);
  for (let m = 1; m < size; m++) pc[m] = pc[m >> 1] + (m & 1);
  // w[s] = s! (n − s − 1)! / n!
  const w = new Float64Array(Math.max(n, 1));
  for (let s = 0; s < n; s++) {
    let x = 1 / n;
    for (let j = 1; j <= s; j++) x *= j / (n - j);
    w[s] = x;
  }
  const phi = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const bit = 1 << i;
    let acc = 0;
    for (let m = 0; m < size; m++) {
      if (m & bit) continue;
      acc += w[pc[m]] * (v[m | bit] - v[m]);
    }
    phi[i] = acc;
  }
  return { phi, grand: size > 0 ? v[size - 1] : 0 };
}

function monteCarloShapley(n: number, table: SetTable, samples: number, rng: Rng) {
  const sum = new Float64Array(n);
  const sumSq = new Float64Array(n);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const rank = new Int32Array(n);
  const bucketC = new Float64Array(n);
  const bucketT = new Float64Array(n);
  const nsets = table.sets.length;
  for (let s = 0; s < samples; s++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      const tmp = perm[i];
      perm[i] = perm[j];
      perm[j] = tmp;
    }
    for (let k = 0; k < n; k++) rank[perm[k]] = k;
    bucketC.fill(0);
    bucketT.fill(0);
    for (let k = 0; k < nsets; k++) {
      const set = table.sets[k];
      let pos = 0;
      for (let j = 0; j < set.length; j++) if (rank[set[j]] > pos) pos = rank[set[j]];
      bucketC[pos] += table.conv[k];
      bucketT[pos] += table.total[k];
    }
    let cc = 0;
    let ct = 0;
    let prev = 0;
    for (let k = 0; k < n; k++) {
      cc += bucketC[k];
      ct += bucketT[k];
      const v = ct > 0 ? cc / ct : 0;
      const d = v - prev;
      prev = v;
      sum[perm[k]] += d;
      sumSq[perm[k]] += d * d;
    }
  }
  const phi = new Float64Array(n);
  const se = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    phi[i] = sum[i] / samples;
    const variance = samples > 1 ? (sumSq[i] - samples * phi[i] * phi[i]) / (samples - 1) : 0;
    se[i] = Math.sqrt(Math.max(0, variance) / samples);
  }
  let cAll = 0;
  let tAll = 0;
  for (let k = 0; k < nsets; k++) {
    cAll += table.conv[k];
    tAll += table.total[k];
  }
  const grand = tAll > 0 ? cAll / tAll : 0;
  return { phi, se, grand, samples };
}
