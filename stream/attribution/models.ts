import { firstTouchAttribution, lastTouchAttribution, linearAttribution, positionBasedAttribution, timeDecayAttribution } from './heuristics.js';
import { markovAttribution, type MarkovOptions } from './markov.js';
import { orderedShapleyAttribution, shapleyAttribution } from './shapley.js';
import { shapleyProbabilityAttribution, type ShapleyProbabilityOptions } from './shapley-probability.js';
import type { AttributionResult, ModelName, PathInput } from './types.js';

export interface RunModelOptions {
  markov?: MarkovOptions;
  /** half-life in touches for time_decay */
  halfLife?: number;
  shapleyProbability?: ShapleyProbabilityOptions;
}

export const MODEL_NAMES: readonly ModelName[] = [
  'first',
  'last',
  'linear',
  'time_decay',
  'position',
  'markov',
  'shapley',
  'shapley_ordered',
  'shapley_probability',
];

/** Runs one model by name. */
export function runModel(name: ModelName, input: PathInput, opts: RunModelOptions = {}): AttributionResult {
  switch (name) {
    case 'first':
      return firstTouchAttribution(input);
    case 'last':
      return lastTouchAttribution(input);
    case 'linear':
      return linearAttribution(input);
    case 'time_decay':
      return timeDecayAttribution(input, { halfLife: opts.halfLife });
    case 'position':
      return positionBasedAttribution(input);
    case 'markov':
      return markovAttribution(input, opts.markov);
    case 'shapley':
      return shapleyAttribution(input);
    case 'shapley_ordered':
      return orderedShapleyAttribution(input);
    case 'shapley_probability':
      return shapleyProbabilityAttribution(input, opts.shapleyProbability);
  }
}
