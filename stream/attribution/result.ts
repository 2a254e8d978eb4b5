import { totalsOf } from './encode.js';
import type { AttributionResult, ChannelCredit, EncodedPaths, ModelName } from './types.js';

/**
 * Assembles the common result from per-channel credit arrays (indexed by channel id), sorted by channel name.
 */
export function buildResult(
  model: ModelName,
  enc: EncodedPaths,
  conversions: Float64Array,
  value: Float64Array,
  extra: { order?: number; removalEffects?: Float64Array } = {},
): AttributionResult {
  const t = totalsOf(enc);
  const channels: ChannelCredit[] = enc.channels.map((channel, c) => {
    if (extra.removalEffects) {
      return { channel, removal_effect: extra.removalEffects[c], conversions: conversions[c], value: value[c] };
    }
    return { channel, conversions: conversions[c], value: value[c] };
  });
  channels.sort((a, b) => (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0));
  return {
    model,
    ...(extra.order !== undefined ? { order: extra.order } : {}),
    total_conversions: t.conversions,
    total_value: t.value,
    base_conversion_rate: t.conversions + t.nulls > 0 ? t.conversions / (t.conversions + t.nulls) : 0,
    channels,
  };
}

/**
 * Splits the totals in proportion to non-negative or signed weights (sum ≠ 0). Used by Markov (removal effects)
 * and the probability-form Shapley; the credits then sum to the totals up to rounding.
 */
export function shareOut(weights: Float64Array, totalConversions: number, totalValue: number) {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += weights[i];
  const conv = new Float64Array(weights.length);
  const val = new Float64Array(weights.length);
  if (sum !== 0) {
    for (let i = 0; i < weights.length; i++) {
      conv[i] = (weights[i] / sum) * totalConversions;
      val[i] = (weights[i] / sum) * totalValue;
    }
  }
  return { conv, val };
}
