/**
 * Intent recognition (issue 15): which of nine intents a customer's message carries, with a calibrated
 * confidence, so routing can pick the skill group before handoff (docs/ai.md).
 *
 * The port is `IntentClassifier` (intent-port.ts): `classify(text, context?)` → intent (price_inquiry,
 * feature_comparison, purchase, after_sale, tech_support, complaint, logistics, human_agent, other), confidence
 * in [0, 1], language (zh, en, mixed, unknown) and the strongest features as signals for explainability.
 * `skillGroupFor(intent, rules?)` maps an intent to a configurable skill group; `toIntent` maps the five labels
 * used before issue 15 (`pre_sale` → `price_inquiry`).
 *
 * The built-in adapter (`BuiltinIntentClassifier`) scores with a small softmax-regression model shipped in the
 * repository (model/intent-model.json), trained by `omnilane intent train` from the team's labelled data
 * (data/intent-train.jsonl) plus agents' corrections, over Han character 1–3-grams, `Intl.Segmenter` Chinese
 * words, English stems, negation and keyword cues, after NFKC / full-width / traditional→simplified
 * normalisation. Its confidence is temperature-scaled on out-of-fold predictions. The held-out set
 * (data/intent-heldout.jsonl) is written separately and never trained on.
 *
 * Limits: under a thousand training messages; one message at a time (no thread context, no multi-intent);
 * sarcasm and long mails are weak spots; only Chinese and English. A bigger model (a multilingual encoder, local
 * or behind a service) plugs in behind the same port; callers do not change.
 */
export * from './intent-port.js';
export { BuiltinIntentClassifier, type BuiltinIntentOptions } from './builtin-classifier.js';
export { skillGroupFor, DEFAULT_SKILL_GROUPS, type SkillGroupRules } from './skill-groups.js';
export { normalise, detectLanguage, tokenise, stem, type Unit } from './text.js';
export { featuresOf } from './features.js';
export { CUES } from './cues.js';
export { parseLabelled, parseCorrections, mergeCorrections, type LabelledExample, type IntentCorrection } from './dataset.js';
export { trainIntentModel, fitTemperature, type TrainOptions, type TrainResult } from './train.js';
export { evaluate, expectedCalibrationError, formatConfusion, type EvalReport, type Prediction } from './metrics.js';
export { modelFromDoc, type IntentModel, type IntentModelDoc } from './softmax-model.js';
export { intentPaths, loadShippedModel, loadModelFile, readLabelled, readCorrections } from './model-files.js';
