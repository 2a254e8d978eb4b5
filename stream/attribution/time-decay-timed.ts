import { AttributionError } from './errors.js';
import { PathAccumulator } from './encode.js';
import { buildResult } from './result.js';
import type { AttributionResult } from './types.js';

/** A single (not aggregated) journey with a timestamp per touch, in any consistent unit (e.g. ms). */
export interface TimedJourney {
  path: string[];
  /** one timestamp per touch, same unit as halfLife */
  times: number[];
  /** when the conversion happened; defaults to the last touch time */
  conversionTime?: number;
  conversions: number;
  value: number;
  nulls: number;
}

/**
 * Time decay with real timestamps: touch k weighs 2^(−(T − t_k) / halfLife), T the conversion time (or the last
 * touch), normalised per journey. Ages below 0 count as 0.
 */
export function timeDecayTimedAttribution(journeys: readonly TimedJourney[], halfLife: number): AttributionResult {
  if (!(halfLife > 0)) throw new RangeError(`halfLife must be > 0, got ${halfLife}`);
  const acc = new PathAccumulator();
  const credits: Array<[number, number, number]> = [];
  let ids = new Int32Array(16);
  journeys.forEach((j, idx) => {
    if (j.path.length === 0 || j.times.length !== j.path.length) {
      throw new AttributionError('ATTR_ERR_BAD_INPUT', `journey ${idx}: empty path or times/path length mismatch`);
    }
    if (ids.length < j.path.length) ids = new Int32Array(j.path.length * 2);
    for (let k = 0; k < j.path.length; k++) ids[k] = acc.channelId(j.path[k]);
    acc.addCounts(acc.pathIndex(ids, j.path.length), j.conversions, j.value, j.nulls);
    const end = j.conversionTime ?? j.times[j.times.length - 1];
    const w = j.times.map((t) => Math.pow(2, -Math.max(0, end - t) / halfLife));
    const sum = w.reduce((a, b) => a + b, 0);
    for (let k = 0; k < w.length; k++) credits.push([ids[k], (j.conversions * w[k]) / sum, (j.value * w[k]) / sum]);
  });
  const enc = acc.finish();
  const conv = new Float64Array(enc.channels.length);
  const val = new Float64Array(enc.channels.length);
  for (const [c, cv, vv] of credits) {
    conv[c] += cv;
    val[c] += vv;
  }
  return buildResult('time_decay', enc, conv, val);
}
