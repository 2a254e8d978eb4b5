/**
 * Intent triage (issue 5, item 3): which skill group a conversation goes to before handoff.
 *
 * The port is `IntentClassifier` (intent-port.ts): `classify(text, context?)` → intent (pre_sale, tech_support,
 * after_sale, complaint, other), confidence in [0, 1], language (zh, en, mixed, unknown) and the matched cues as
 * signals for explainability. `skillGroupFor(intent, rules?)` maps an intent to a configurable skill group.
 *
 * The built-in adapter (`BuiltinIntentClassifier`) is a deliberately simple, pure, deterministic baseline with no
 * I/O: NFKC + full-width folding + lower case + a small traditional→simplified map; language by script share;
 * features are Han character unigrams and bigrams (Chinese has no word spaces) and stemmed English words; a few
 * negation patterns (不是/没有/没/不想/不要…, not/no/never/n't) mark the following tokens; a multinomial Naive
 * Bayes trained at construction from seed-examples.ts is combined with weighted keyword cues (cues.ts); a
 * specific intent below the confidence threshold falls back to `other`.
 *
 * Limits: a few hundred seed messages and hand-written cues; no real understanding of context, sarcasm,
 * multi-intent messages or long threads (it sees one message); negation is a fixed window; the confidence is a
 * tempered score, not a calibrated probability; only Chinese and English (other scripts → `unknown`, usually
 * `other`); the held-out set in eval-examples.ts is small, so its accuracy is a rough guide, not a guarantee.
 *
 * A real model (e.g. a BERT-like multilingual encoder fine-tuned on labelled conversations, local or behind an
 * inference service) plugs in later behind the same `IntentClassifier` port; callers do not change.
 */
export * from './intent-port.js';
export { BuiltinIntentClassifier, featuresOf, type BuiltinIntentOptions } from './builtin-classifier.js';
export { skillGroupFor, DEFAULT_SKILL_GROUPS, type SkillGroupRules } from './skill-groups.js';
export { normalise, detectLanguage, tokenise, stem, type Unit } from './text.js';
export { CUES } from './cues.js';
export { SEED_EXAMPLES, type LabelledExample } from './seed-examples.js';
