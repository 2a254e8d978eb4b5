/**
 * The nine intents (issue 15). `other` covers greetings, thanks, chit-chat and anything unclear;
 * `human_agent` is an explicit request for a person; `after_sale` is refund, return, exchange, warranty, invoice.
 */
export const INTENTS = [
  'price_inquiry',
  'feature_comparison',
  'purchase',
  'after_sale',
  'tech_support',
  'complaint',
  'logistics',
  'human_agent',
  'other',
] as const;
export type Intent = (typeof INTENTS)[number];

/**
 * The five labels before issue 15, as producers (bots, IVR menus, web forms) and saved rosters may still state
 * them, with the intent each now means. `pre_sale` was price, comparison and buying alike: it maps to
 * `price_inquiry`, which routes to the same pre-sale group (and roster rules naming `pre_sale` match all three).
 */
export const LEGACY_INTENTS: Readonly<Record<string, Intent>> = Object.freeze({
  pre_sale: 'price_inquiry',
  tech_support: 'tech_support',
  after_sale: 'after_sale',
  complaint: 'complaint',
  other: 'other',
});

/** The intents a legacy label stands for in roster config (`pre_sale` → the three pre-sale intents). */
export const LEGACY_INTENT_FAMILIES: Readonly<Record<string, readonly Intent[]>> = Object.freeze({
  pre_sale: ['price_inquiry', 'feature_comparison', 'purchase'],
});

/** A current intent, or the one a legacy label maps to; null for anything else. */
export function toIntent(label: unknown): Intent | null {
  if (typeof label !== 'string') return null;
  if ((INTENTS as readonly string[]).includes(label)) return label as Intent;
  return LEGACY_INTENTS[label] ?? null;
}

/** The language of a message by script share: Chinese (Han), English (Latin), both, or neither. */
export type IntentLanguage = 'zh' | 'en' | 'mixed' | 'unknown';

/** What a classifier says about one message. */
export interface IntentResult {
  /** The most probable intent. */
  intent: Intent;
  /**
   * Probability of `intent`, in [0, 1]. The built-in adapter's is calibrated (temperature scaling): among
   * messages given confidence ≈ 0.8, about 80% are right (see ECE in docs/ai.md).
   */
  confidence: number;
  /** Language of the message, so callers can pick a language-skilled agent. */
  language: IntentLanguage;
  /**
   * The evidence, for explainability in the agent console and logs: the features that pushed hardest towards
   * `intent`, such as `feat:退款` or `feat:refund`. May be empty. Never contains the full message.
   */
  signals: string[];
}

/** Optional context about where the message came from; adapters may use it as a feature or ignore it. */
export interface IntentContext {
  channel?: string;
  tag?: string;
}

/**
 * The intent port: triage of a customer's message before handoff, to pick the skill group.
 *
 * Contract:
 * - `classify` resolves for any string, including empty, very long, emoji-only or malformed Unicode text; it
 *   rejects only when the adapter's backend fails (a remote model down), never for the text itself.
 * - The result always has one of the {@link INTENTS}, a confidence in [0, 1] and a language.
 * - Idempotent and side-effect free: classifying the same text with the same context twice gives the same result
 *   for a given adapter instance and configuration; classification changes no state anyone can observe.
 * - The built-in adapter (`BuiltinIntentClassifier`) is pure after construction: it scores with the shipped model
 *   (stream/intent/model/intent-model.json) loaded once. A model-backed adapter implements the same interface.
 */
export interface IntentClassifier {
  classify(text: string, context?: IntentContext): Promise<IntentResult>;
}
