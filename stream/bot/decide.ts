/**
 * The bot's decision, pure: answer with the best article only when confident, otherwise hand over to a person.
 *
 * Confidence (in [0, 1]) combines three signals of the retrieval and the intent model:
 * - coverage: the IDF-weighted share of the question's terms the best article contains (does it talk about
 *   what was asked at all?);
 * - margin: (s1 − s2) / s1 between the best two BM25 scores (is one article clearly the one?);
 * - intent agreement: the article lists the intent the model found (+), lists others while the model is sure
 *   of a different one (−), or says nothing (neutral).
 * The weights were set by hand on the shipped base, not fitted; the figure behaves like a probability only
 * roughly (docs/ai.md gives the measured precision at the default threshold).
 *
 * Always a handoff: `complaint` and `human_agent` (a person must see those), an empty retrieval, and a
 * confidence under the threshold (BOT_MIN_CONFIDENCE).
 */
import type { Intent, IntentResult } from '../intent/intent-port.js';
import type { Article } from './knowledge-base.js';
import type { Retrieval } from './retrieval.js';

/** `clarified`: handed over after the customer answered a clarifying question (clarify.ts). */
export type HandoffReason = 'intent' | 'no_match' | 'low_confidence' | 'clarified';

export type BotDecision =
  { kind: 'answer'; article: Article; confidence: number } | { kind: 'handoff'; reason: HandoffReason; intent: Intent; confidence: number; summary: string };

/** Intents that always go to a person, whatever the knowledge base holds. */
export const ALWAYS_HANDOFF: readonly Intent[] = ['complaint', 'human_agent'];

/** Default BOT_MIN_CONFIDENCE. */
export const DEFAULT_MIN_CONFIDENCE = 0.5;

const W_COVERAGE = 0.5;
const W_MARGIN = 0.35;
const W_INTENT = 0.15;

/** How far the article's `intents` agree with the model's intent: 1 agree, 0.5 neutral, 0 disagree. */
export function intentAgreement(article: Article, intent: Pick<IntentResult, 'intent' | 'confidence'>): number {
  if (article.intents.length === 0 || intent.intent === 'other') return 0.5;
  if (article.intents.includes(intent.intent)) return 1;
  return intent.confidence >= 0.6 ? 0 : 0.5;
}

/** The confidence of answering with the best hit of `retrieval` (0 without hits). */
export function answerConfidence(retrieval: Retrieval, intent: Pick<IntentResult, 'intent' | 'confidence'>): number {
  const [top, second] = retrieval.hits;
  if (!top || !(top.score > 0)) return 0;
  const margin = second ? Math.max(0, (top.score - second.score) / top.score) : 1;
  const c = W_COVERAGE * top.coverage + W_MARGIN * margin + W_INTENT * intentAgreement(top.article, intent);
  return Math.round(Math.min(1, Math.max(0, c)) * 1e4) / 1e4;
}

/** A one-line summary for the agent who takes over: intent, its confidence and the question (cut at 120 chars). */
export function handoffSummary(question: string, intent: Pick<IntentResult, 'intent' | 'confidence'>, reason: HandoffReason): string {
  const q = question.replace(/\s+/g, ' ').trim();
  const cut = [...q].length > 120 ? [...q].slice(0, 119).join('') + '…' : q;
  return `${intent.intent} (${Math.round(intent.confidence * 100)}%), ${reason}: ${cut}`;
}

/**
 * Answer or hand over. `minConfidence` is BOT_MIN_CONFIDENCE. Deterministic for the same inputs.
 */
export function decide(question: string, intent: IntentResult, retrieval: Retrieval, minConfidence = DEFAULT_MIN_CONFIDENCE): BotDecision {
  const confidence = answerConfidence(retrieval, intent);
  const handoff = (reason: HandoffReason): BotDecision => ({
    kind: 'handoff',
    reason,
    intent: intent.intent,
    confidence,
    summary: handoffSummary(question, intent, reason),
  });
  if (ALWAYS_HANDOFF.includes(intent.intent)) return handoff('intent');
  const top = retrieval.hits[0];
  if (!top) return handoff('no_match');
  if (confidence < minConfidence) return handoff('low_confidence');
  return { kind: 'answer', article: top.article, confidence };
}
