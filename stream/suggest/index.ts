/**
 * Reply suggestions (issue 15, deliverable 3; docs/ai.md, Reply suggestions): a script library (templates by
 * customer tag × conversation stage × intent, zh/en, with `{{name}}`, `{{product}}`, `{{offer_end}}`), the
 * context of a conversation, and a Thompson-sampling bandit per (context, script) that learns from outcomes
 * (shown, used, edited, opportunity, deal). The core (script.ts, context.ts, bandit.ts) is pure; posteriors live
 * in the StateStore (suggest-store.ts). Nothing here sends a message: the console inserts, the agent sends.
 */
export * from './script.js';
export { DEMO_LIBRARY } from './demo-library.js';
export { contextOf, isPriceSensitive, offerEndText, type ContextInput } from './context.js';
export { suggest, betaParams, betaSample, gammaSample, normalSample, REWARD, type Posterior, type Suggestion } from './bandit.js';
export { SuggestStore, type Outcome as SuggestOutcome } from './suggest-store.js';
