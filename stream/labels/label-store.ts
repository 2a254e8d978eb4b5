import type { Intent } from '../intent/intent-port.js';

/**
 * An agent's intent correction as stored: the four fields `omnilane intent train` reads
 * (`text`, `intent`, `agent_id`, `at`; stream/intent/dataset.ts) first, then what the agreement report needs.
 * `model_intent` / `model_confidence` are the model's prediction for the same text at the time of the correction.
 */
export interface IntentCorrectionRecord {
  text: string;
  intent: Intent;
  agent_id: string;
  /** ISO-8601. */
  at: string;
  model_intent: Intent;
  model_confidence: number;
  conversation_id: string;
  /** The corrected message (`producer/event id`), or null when the conversation had no customer message kept. */
  message_id: string | null;
}

/** An agent's verdict on one FAQ-bot answer. */
export interface BotFeedbackRecord {
  conversation_id: string;
  message_id: string;
  verdict: 'wrong' | 'right';
  note: string | null;
  /** The bot's answer as kept for the console (clipped), and the customer message before it. */
  answer: string;
  question: string | null;
  agent_id: string;
  at: string;
}

/**
 * Port: where agents' labels go. Append-only; a record is never rewritten (the latest correction of a message
 * wins when it is read). Not idempotent: a retried append stores the record twice, which only affects counts.
 */
export interface LabelStore {
  /** Appends one intent correction. */
  addIntentCorrection(c: IntentCorrectionRecord): Promise<void>;
  /** Appends one bot-answer verdict. */
  addBotFeedback(f: BotFeedbackRecord): Promise<void>;
  /** Every stored intent line (including lines without a model prediction, which tools may have appended). */
  intentCorrections(): Promise<string>;
  /** Every stored bot-feedback line. */
  botFeedback(): Promise<string>;
  /** Erasure: removes every record of these conversations (their text is the customer's); returns how many. */
  eraseConversations(conversationIds: readonly string[]): Promise<number>;
}
