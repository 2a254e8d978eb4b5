export type { AttributionResult, ChannelCredit, EncodedPaths, ModelName, PathInput, PathRecord } from './types.js';
export { ATTRIBUTION_ERRORS, AttributionError, type AttributionErrorCode } from './errors.js';
export { aggregatePaths, decodePaths, encodePaths, PathAccumulator, toEncoded, totalsOf, type Totals } from './encode.js';
export {
  firstTouchAttribution,
  lastTouchAttribution,
  linearAttribution,
  positionBasedAttribution,
  timeDecayAttribution,
  type TimeDecayOptions,
} from './heuristics.js';
export { timeDecayTimedAttribution, type TimedJourney } from './time-decay-timed.js';
export { buildMarkovChain, stateLabel, transitionList, type MarkovChain, type Transition } from './markov-chain.js';
export { solveConversion, type SolveOptions, type SolveResult, type SolverChoice } from './markov-solve.js';
export { markovAttribution, removalEffects, type MarkovOptions, type MarkovResult } from './markov.js';
export { orderedShapleyAttribution, shapleyAttribution, type OrderedShapleyResult, type PositionCredit } from './shapley.js';
export { shapleyProbabilityAttribution, type MonteCarloReport, type ShapleyProbabilityOptions, type ShapleyProbabilityResult } from './shapley-probability.js';
export { bootstrapAttribution, quantile, type BootstrapOptions, type BootstrapResult, type ChannelInterval } from './bootstrap.js';
export { CsvReader, type CsvSyntaxError } from './csv-reader.js';
export { createPathCsvParser, parsePathCsv, type PathCsvParser, type PathCsvResult } from './path-csv.js';
export { readPathCsvFile, type PathCsvFileResult } from './path-csv-file.js';
export { MODEL_NAMES, runModel, type RunModelOptions } from './models.js';
export {
  buildJourneys,
  buildPaths,
  DAY_MS,
  DEFAULT_JOURNEY_CONFIG,
  journeysToPaths,
  type Journey,
  type JourneyConfig,
  type JourneyEvent,
  type JourneyResult,
  type JourneyStats,
  type TouchpointRule,
} from './journeys.js';
export { AttributionJob, JOB_MODELS, loadJourneyEvents, type AttributionJobDeps, type RunSummary } from './attribution-job.js';
