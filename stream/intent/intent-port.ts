/** The five triage intents. `other` covers greetings, chit-chat, spam and anything the classifier is unsure of. */
export const INTENTS = ['pre_sale', 'tech_support', 'after_sale', 'complaint', 'other'] as const;
export type Intent = (typeof INTENTS)[number];

/** The language of a message by script share: Chinese (Han), English (Latin), both, or neither. */
export type IntentLanguage = 'zh' | 'en' | 'mixed' | 'unknown';

/** What a classifier says about one message. */
export interface IntentResult {
  /** The best intent; `other` when no specific intent is confident enough. */
  intent: Intent;
  /** How sure the classifier is of `intent`, in [0, 1] (a calibrated probability only if the adapter says so). */
  confidence: number;
  /** Language of the message, so callers can pick a language-skilled agent. */
  language: IntentLanguage;
  /**
   * The evidence, for explainability in the agent console and logs: matched cues such as `cue:pre_sale:报价`,
   * negated cues such as `neg:complaint:投诉`. May be empty. Never contains the full message.
   */
  signals: string[];
}

/** Optional context about where the message came from; adapters may use it as a feature or ignore it. */
export interface IntentContext {
  channel?: string;
  tag?: string;
}

/**
 * The intent port: triage of a customer's message before handoff, to pick the skill group (issue 5, item 3).
 *
 * Contract:
 * - `classify` resolves for any string, including empty, very long, emoji-only or malformed Unicode text; it
 *   rejects only when the adapter's backend fails (a remote model down), never for the text itself.
 * - The result always has one of the five {@link INTENTS}, a confidence in [0, 1] and a language.
 * - Idempotent and side-effect free: classifying the same text with the same context twice gives the same result
 *   for a given adapter instance and configuration; classification changes no state anyone can observe.
 * - The built-in adapter (`BuiltinIntentClassifier`) is pure and does no I/O: all it needs is trained in memory at
 *   construction. A model-backed adapter (a BERT-like model, local or remote) implements the same interface.
 */
export interface IntentClassifier {
  classify(text: string, context?: IntentContext): Promise<IntentResult>;
}
