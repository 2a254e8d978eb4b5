/**
 * Clarifying questions (issue 15, deliverable 2): when a customer's message is unclear (the bot cannot answer
 * it and the intent model is unsure or says `other`), or a customer asks for a person without saying what
 * about, the bot asks once — at most twice — which topic it is, as a short numbered menu (zh/en) that also
 * accepts free text, so the handoff lands in the right skill group. This file is the pure part: the menu,
 * reading the answer, and when to ask. The state of an open question lives per conversation in the
 * StateStore (ClarifyStore below); bot-responder.ts drives it.
 */
import { conversationOwner, type PersonalData } from '../../shared/privacy/personal-data.js';
import type { StateStore } from '../../shared/ports/state-store.js';
import type { Intent, IntentResult } from '../intent/intent-port.js';
import { normalise } from '../intent/text.js';
import type { ArticleLang } from './knowledge-base.js';
import type { BotDecision } from './decide.js';

/** The menu: one topic per skill group of the demo roster (the roster maps each intent to its group). */
export const CLARIFY_TOPICS: readonly { intent: Intent; zh: string; en: string }[] = Object.freeze([
  { intent: 'price_inquiry', zh: '价格、报价与购买', en: 'Prices, quotes and buying' },
  { intent: 'after_sale', zh: '售后：退款、退换货、发票', en: 'After-sale: refunds, returns, invoices' },
  { intent: 'tech_support', zh: '技术问题：登录、报错、设置', en: 'Technical help: log-in, errors, setup' },
  { intent: 'logistics', zh: '物流与配送', en: 'Shipping and delivery' },
  { intent: 'complaint', zh: '投诉', en: 'A complaint' },
]);

/** `unclear`: the bot could not tell what was asked; `route`: a person is coming, but for which topic? */
export type ClarifyKind = 'unclear' | 'route';

/** At most this many questions per conversation; then the bot hands over with what it has. */
export const MAX_CLARIFY_QUESTIONS = 2;

/** Below this intent confidence an unanswerable message counts as unclear (one the menu can sort out). */
export const CLARIFY_BELOW_CONFIDENCE = 0.5;

const LEAD: Readonly<Record<ClarifyKind, Record<ArticleLang, string>>> = {
  unclear: {
    zh: '抱歉，我还不太确定您想咨询什么。请问是哪一类问题？回复数字即可，也可以直接用一句话描述：',
    en: "Sorry, I'm not quite sure what you need yet. Which of these is it? Reply with a number, or describe it in a few words:",
  },
  route: {
    zh: '好的，马上为您转人工客服。为了转给合适的同事，请问是哪一类问题？回复数字即可，也可以直接描述：',
    en: "Sure, I'm getting a person for you. So the right colleague picks this up, which of these is it? Reply with a number, or describe it:",
  },
};

/** The text of a clarifying question: a lead line and the numbered topics. */
export function clarifyQuestion(kind: ClarifyKind, lang: ArticleLang): string {
  return [LEAD[kind][lang], ...CLARIFY_TOPICS.map((t, i) => `${i + 1}. ${t[lang]}`)].join('\n');
}

/** What the customer is told once a menu answer moved the conversation to its group. */
export const ROUTED_MESSAGE: Readonly<Record<ArticleLang, string>> = Object.freeze({
  zh: '收到，已为您转给负责该问题的同事，请稍候。',
  en: "Thanks, I've passed you to the colleagues who handle this; a person will be with you shortly.",
});

const CN_DIGITS = '一二三四五六七八九';

/**
 * The topic a reply picks from the menu: "2", "２", "2.", "选2", "第二个", "option 2", "#2"; null when the
 * reply is not a bare choice (then it is read as free text) or the number is not on the menu.
 */
export function parseMenuChoice(text: string): Intent | null {
  const t = normalise(text).replace(/\s+/g, '');
  const m = /^(?:选|选择|第|option|no\.?|#)?([1-9一二三四五六七八九])(?:个|项|号|类|\.|、|\))?$/.exec(t);
  if (!m) return null;
  const n = /[1-9]/.test(m[1]) ? Number(m[1]) : CN_DIGITS.indexOf(m[1]) + 1;
  return CLARIFY_TOPICS[n - 1]?.intent ?? null;
}

/** Intents that say nothing about the topic, so they cannot pick a skill group by themselves. */
export const GENERIC_INTENTS: readonly Intent[] = ['other', 'human_agent'];

/**
 * Whether a bot decision calls for a clarifying question instead of an answer or a plain handoff: the bot
 * could not answer (no match, low confidence) and the intent model gives no usable topic (`other`, or under
 * CLARIFY_BELOW_CONFIDENCE). A confident topic (say after_sale at 0.9) is handed over at once: its group is
 * known. `complaint` and `human_agent` never come here (decide.ts hands them over by intent).
 */
export function isUnclear(decision: BotDecision, intent: Pick<IntentResult, 'intent' | 'confidence'>): boolean {
  if (decision.kind !== 'handoff' || decision.reason === 'intent') return false;
  return intent.intent === 'other' || intent.confidence < CLARIFY_BELOW_CONFIDENCE;
}

/** An open question, per conversation. */
export interface PendingClarification {
  kind: ClarifyKind;
  /** Questions asked so far (1 or 2). */
  asked: number;
  /** The customer's words so far (at most 500 characters), read together with the answer. */
  question: string;
  lang: ArticleLang;
  /** The customer event the latest question answered (a redelivery of it changes nothing). */
  event_id: string;
}

const key = (conversationId: string) => `bot:clarify:${conversationId}`;
/** An unanswered question lapses after a day: a customer who comes back starts afresh. */
const TTL_MS = 24 * 3600_000;

/** The open clarifying question of each conversation, in the StateStore (`bot:clarify:<id>`, JSON, 24 h). */
export class ClarifyStore {
  /** `personal`: the customer's words are kept sealed under the conversation's key (docs/privacy.md). */
  constructor(
    private readonly state: Pick<StateStore, 'get' | 'set' | 'del'>,
    private readonly personal?: Pick<PersonalData, 'seal' | 'open'>,
  ) {}

  async get(conversationId: string): Promise<PendingClarification | null> {
    const raw = await this.state.get(key(conversationId));
    if (!raw) return null;
    try {
      const p = JSON.parse(raw) as PendingClarification;
      if (!this.personal) return p;
      const question = await this.personal.open(conversationOwner(conversationId), 'bot.question', p.question);
      return question === null ? null : { ...p, question };
    } catch {
      return null;
    }
  }
  async put(conversationId: string, p: PendingClarification): Promise<void> {
    const words = [...p.question].slice(0, 500).join('');
    const question = this.personal ? await this.personal.seal(conversationOwner(conversationId), 'bot.question', words) : words;
    await this.state.set(key(conversationId), JSON.stringify({ ...p, question }), TTL_MS);
  }
  async clear(conversationId: string): Promise<void> {
    await this.state.del([key(conversationId)]);
  }
}
