import { toEncoded } from './encode.js';
import { buildResult } from './result.js';
import type { AttributionResult, EncodedPaths, PathInput } from './types.js';

/**
 * Shared loop for per-touch heuristics: `weigh(len, out)` writes the share of each touch position (summing to
 * 1) into out[0..len); each path's conversions and value are split by those shares.
 */
function byTouchWeights(enc: EncodedPaths, weigh: (len: number, out: Float64Array) => void) {
  const conv = new Float64Array(enc.channels.length);
  const val = new Float64Array(enc.channels.length);
  let w = new Float64Array(16);
  for (let i = 0; i < enc.count; i++) {
    const c = enc.conversions[i];
    const v = enc.value[i];
    if (c === 0 && v === 0) continue;
    const start = enc.offsets[i];
    const len = enc.offsets[i + 1] - start;
    if (w.length < len) w = new Float64Array(len * 2);
    weigh(len, w);
    for (let k = 0; k < len; k++) {
      const ch = enc.touches[start + k];
      conv[ch] += c * w[k];
      val[ch] += v * w[k];
    }
  }
  return { conv, val };
}

/** First touch: all of a path's conversions and value go to its first channel. */
export function firstTouchAttribution(input: PathInput): AttributionResult {
  const enc = toEncoded(input);
  const { conv, val } = byTouchWeights(enc, (len, w) => {
    w.fill(0, 0, len);
    w[0] = 1;
  });
  return buildResult('first', enc, conv, val);
}

/** Last touch: all of a path's conversions and value go to its last channel. */
export function lastTouchAttribution(input: PathInput): AttributionResult {
  const enc = toEncoded(input);
  const { conv, val } = byTouchWeights(enc, (len, w) => {
    w.fill(0, 0, len);
    w[len - 1] = 1;
  });
  return buildResult('last', enc, conv, val);
}

/** Linear: every touch gets 1/len of the path (a channel touched twice gets two shares). */
export function linearAttribution(input: PathInput): AttributionResult {
  const enc = toEncoded(input);
  const { conv, val } = byTouchWeights(enc, (len, w) => w.fill(1 / len, 0, len));
  return buildResult('linear', enc, conv, val);
}

/**
 * Position based (U-shaped, 40/20/40): one touch gets 100 %, two touches 50/50; from three touches the first
 * and last get 40 % each and the middle touches share 20 % equally.
 */
export function positionBasedAttribution(input: PathInput): AttributionResult {
  const enc = toEncoded(input);
  const { conv, val } = byTouchWeights(enc, (len, w) => {
    if (len === 1) w[0] = 1;
    else if (len === 2) w[0] = w[1] = 0.5;
    else {
      w.fill(0.2 / (len - 2), 1, len - 1);
      w[0] = 0.4;
      w[len - 1] = 0.4;
    }
  });
  return buildResult('position', enc, conv, val);
}

export interface TimeDecayOptions {
  /** Half-life in touches (aggregated paths carry no timestamps). Default 1. Must be > 0. */
  halfLife?: number;
}

/**
 * Time decay over aggregated paths: the touch d positions before the conversion (the last touch has d = 0)
 * weighs 2^(−d / halfLife); weights are normalised per path. See timeDecayTimedAttribution for real times.
 */
export function timeDecayAttribution(input: PathInput, opts: TimeDecayOptions = {}): AttributionResult {
  const halfLife = opts.halfLife ?? 1;
  if (!(halfLife > 0)) throw new RangeError(`halfLife must be > 0, got ${halfLife}`);
  const enc = toEncoded(input);
  const { conv, val } = byTouchWeights(enc, (len, w) => {
    let sum = 0;
    for (let k = 0; k < len; k++) {
      w[k] = Math.pow(2, -(len - 1 - k) / halfLife);
      sum += w[k];
    }
    for (let k = 0; k < len; k++) w[k] /= sum;
  });
  return buildResult('time_decay', enc, conv, val);
}
