/**
 * One aggregated path in ChannelAttribution's format: an ordered list of channel touchpoints and how many
 * journeys that took exactly this path converted (`conversions`, with total `value`) or did not (`nulls`).
 */
export interface PathRecord {
  path: string[];
  conversions: number;
  value: number;
  nulls: number;
}

/**
 * Columnar, aggregated form every model computes on: channels are small integers, identical paths are merged.
 * Path `i` is `touches[offsets[i] .. offsets[i + 1])`.
 */
export interface EncodedPaths {
  /** channel id → name */
  channels: string[];
  /** length count + 1 */
  offsets: Int32Array;
  /** channel ids of all paths, concatenated */
  touches: Int32Array;
  conversions: Float64Array;
  value: Float64Array;
  nulls: Float64Array;
  /** number of distinct paths */
  count: number;
}

/** What every model accepts: plain records (aggregated on the way in) or already-encoded paths. */
export type PathInput = readonly PathRecord[] | EncodedPaths;

export type ModelName = 'first' | 'last' | 'linear' | 'time_decay' | 'position' | 'markov' | 'shapley' | 'shapley_ordered' | 'shapley_probability';

export interface ChannelCredit {
  channel: string;
  /** Markov only: 1 − P(conv | channel removed) / P(conv). */
  removal_effect?: number;
  conversions: number;
  value: number;
}

/** The one result shape every model returns (and the CLI prints with --json). */
export interface AttributionResult {
  model: ModelName;
  order?: number;
  total_conversions: number;
  total_value: number;
  /** total conversions / (total conversions + total nulls); 0 when there are no journeys */
  base_conversion_rate: number;
  /** sorted by channel name; credits sum to the totals within 1e-9 */
  channels: ChannelCredit[];
}
