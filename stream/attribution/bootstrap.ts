import { AttributionError } from './errors.js';
import { toEncoded } from './encode.js';
import { seededRng, type Rng } from '../../shared/random.js';
import type { AttributionResult, EncodedPaths, PathInput } from './types.js';

export interface BootstrapOptions {
  /** number of resamples, default 200 */
  resamples?: number;
  /** confidence level of the percentile interval, default 0.95 */
  level?: number;
  seed?: number;
  rng?: Rng;
}

export interface ChannelInterval {
  channel: string;
  conversions: [number, number];
  value: [number, number];
  removal_effect?: [number, number];
}

export interface BootstrapResult {
  estimate: AttributionResult;
  resamples: number;
  level: number;
  intervals: ChannelInterval[];
}

/**
 * Percentile bootstrap over journeys. The data hold N = Σ (conversions + nulls) journeys; each resample draws N
 * journeys with replacement (multinomial over (path, converted?) cells, Walker's alias method, O(N)), a
 * converting journey carrying its path's mean value (value / conversions). The model runs on every resample;
 * the interval per channel is the [(1−level)/2, (1+level)/2] quantile (linear interpolation) of its credits.
 * Counts must be integers. `model` receives encoded paths that share channel ids with the input.
 */
export function bootstrapAttribution(input: PathInput, model: (paths: EncodedPaths) => AttributionResult, opts: BootstrapOptions = {}): BootstrapResult {
  const enc = toEncoded(input);
  const resamples = opts.resamples ?? 200;
  const level = opts.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`resamples must be a positive integer`);
  const rng = opts.rng ?? seededRng(opts.seed ?? 1);
  const cells = enc.count * 2;
  const weights = new Float64Array(cells);
  let total = 0;
  for (let i = 0; i < enc.count; i++) {
    const c = enc.conversions[i];
    const nl = enc.nulls[i];
    if (!Number.isInteger(c) || !Number.isInteger(nl)) {
      throw new AttributionError('ATTR_ERR_BAD_INPUT', `bootstrap needs integer counts (path ${i})`);
    }
    weights[2 * i] = c;
    weights[2 * i + 1] = nl;
    total += c + nl;
  }
  const estimate = model(enc);
  const names = estimate.channels.map((c) => c.channel);
  const draws = names.map(() => ({ conv: [] as number[], val: [] as number[], re: [] as number[] }));
  // only cells with positive weight enter the alias table, so a zero-weight cell can never be drawn
  const live = Int32Array.from(Array.from({ length: cells }, (_, k) => k).filter((k) => weights[k] > 0));
  const alias = total > 0 ? buildAlias(Float64Array.from(live, (k) => weights[k])) : null;
  const counts = new Float64Array(cells);
  for (let r = 0; r < resamples; r++) {
    counts.fill(0);
    if (alias) for (let k = 0; k < total; k++) counts[live[drawAlias(alias, rng)]]++;
    const conversions = new Float64Array(enc.count);
    const nulls = new Float64Array(enc.count);
    const value = new Float64Array(enc.count);
    for (let i = 0; i < enc.count; i++) {
      conversions[i] = counts[2 * i];
      nulls[i] = counts[2 * i + 1];
      value[i] = enc.conversions[i] > 0 ? (counts[2 * i] * enc.value[i]) / enc.conversions[i] : 0;
    }
    const res = model({ ...enc, conversions, nulls, value });
    const byName = new Map(res.channels.map((c) => [c.channel, c]));
    names.forEach((name, k) => {
      const c = byName.get(name);
      draws[k].conv.push(c?.conversions ?? 0);
      draws[k].val.push(c?.value ?? 0);
      draws[k].re.push(c?.removal_effect ?? 0);
    });
  }
  const lo = (1 - level) / 2;
  const hi = 1 - lo;
  const intervals = names.map((channel, k): ChannelInterval => {
    const iv: ChannelInterval = {
      channel,
      conversions: [quantile(draws[k].conv, lo), quantile(draws[k].conv, hi)],
      value: [quantile(draws[k].val, lo), quantile(draws[k].val, hi)],
    };
    if (estimate.channels[k].removal_effect !== undefined) {
      iv.removal_effect = [quantile(draws[k].re, lo), quantile(draws[k].re, hi)];
    }
    return iv;
  });
  return { estimate, resamples, level, intervals };
}

/** Quantile with linear interpolation between order statistics (R type 7). */
export function quantile(xs: number[], q: number): number {
  const s = Float64Array.from(xs).sort();
  if (s.length === 0) return 0;
  const h = (s.length - 1) * q;
  const f = Math.floor(h);
  return f + 1 < s.length ? s[f] + (h - f) * (s[f + 1] - s[f]) : s[f];
}

interface Alias {
  prob: Float64Array;
  alias: Int32Array;
}

function buildAlias(w: Float64Array): Alias {
  const n = w.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += w[i];
  const prob = new Float64Array(n);
  const alias = new Int32Array(n);
  const scaled = Float64Array.from(w, (x) => (x * n) / sum);
  const small: number[] = [];
  const large: number[] = [];
  for (let i = 0; i < n; i++) (scaled[i] < 1 ? small : large).push(i);
  while (small.length && large.length) {
    const s = small.pop()!;
    const l = large.pop()!;
    prob[s] = scaled[s];
    alias[s] = l;
    scaled[l] = scaled[l] + scaled[s] - 1;
    (scaled[l] < 1 ? small : large).push(l);
  }
  for (const i of large) prob[i] = 1;
  for (const i of small) prob[i] = 1;
  return { prob, alias };
}

function drawAlias(a: Alias, rng: Rng): number {
  const u = rng() * a.prob.length;
  const i = Math.floor(u);
  return u - i < a.prob[i] ? i : a.alias[i];
}
