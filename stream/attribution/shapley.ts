import { toEncoded } from './encode.js';
import { buildResult } from './result.js';
import type { AttributionResult, PathInput } from './types.js';

/**
 * Conversion-count Shapley value of Zhao et al. (2018), by their simplified formula. The game:
 * v(S) = Σ conversions of journeys whose channel set is a subset of S. Its Shapley value reduces to
 * φ_c = Σ_{journeys j ∋ c} conversions_j / |distinct channels of j|: each journey's conversions (and value)
 * split equally among its distinct channels. O(touches).
 */
export function shapleyAttribution(input: PathInput): AttributionResult {
  const enc = toEncoded(input);
  const nc = enc.channels.length;
  const conv = new Float64Array(nc);
  const val = new Float64Array(nc);
  forEachConvertingJourney(enc, (distinct, c, v) => {
    const k = distinct.length;
    for (const ch of distinct) {
      conv[ch] += c / k;
      val[ch] += v / k;
    }
  });
  return buildResult('shapley', enc, conv, val);
}

export interface PositionCredit {
  channel: string;
  /** conversions[p] = credit earned as the (p+1)-th distinct channel of a journey */
  conversions: number[];
  value: number[];
}

export interface OrderedShapleyResult extends AttributionResult {
  positions: PositionCredit[];
}

/**
 * Ordered Shapley value of Zhao et al. (2018): the simplified Shapley credit of each journey, kept apart by the
 * position at which the channel first appears in the journey (its rank among the journey's distinct channels,
 * in order of first touch). φ_c^(p) = Σ_{journeys j whose p-th distinct channel is c} conversions_j / |j|; the
 * per-channel totals Σ_p φ_c^(p) equal the unordered value.
 */
export function orderedShapleyAttribution(input: PathInput): OrderedShapleyResult {
  const enc = toEncoded(input);
  const nc = enc.channels.length;
  const conv = new Float64Array(nc);
  const val = new Float64Array(nc);
  const posConv: number[][] = Array.from({ length: nc }, () => []);
  const posVal: number[][] = Array.from({ length: nc }, () => []);
  forEachConvertingJourney(enc, (distinct, c, v) => {
    const k = distinct.length;
    distinct.forEach((ch, p) => {
      conv[ch] += c / k;
      val[ch] += v / k;
      while (posConv[ch].length <= p) {
        posConv[ch].push(0);
        posVal[ch].push(0);
      }
      posConv[ch][p] += c / k;
      posVal[ch][p] += v / k;
    });
  });
  const res = buildResult('shapley_ordered', enc, conv, val);
  const positions = enc.channels
    .map((channel, c) => ({ channel, conversions: posConv[c], value: posVal[c] }))
    .sort((a, b) => (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0));
  return { ...res, positions };
}

/**
 * Calls `fn` for every journey with conversions or value, with its distinct channels in order of first
 * touch (the array is reused between calls).
 */
function forEachConvertingJourney(enc: ReturnType<typeof toEncoded>, fn: (distinct: readonly number[], conversions: number, value: number) => void): void {
  const seen = new Int32Array(enc.channels.length).fill(-1);
  const distinct: number[] = [];
  for (let i = 0; i < enc.count; i++) {
    const c = enc.conversions[i];
    const v = enc.value[i];
    if (c === 0 && v === 0) continue;
    distinct.length = 0;
    for (let t = enc.offsets[i]; t < enc.offsets[i + 1]; t++) {
      const ch = enc.touches[t];
      if (seen[ch] !== i) {
        seen[ch] = i;
        distinct.push(ch);
      }
    }
    fn(distinct, c, v);
  }
}
