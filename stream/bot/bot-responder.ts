/**
 * The FAQ bot on the live path (BOT_ENABLED, default off). When a customer message arrives on a conversation
 * that is queued and not yet offered or assigned, and the bot switch allows it (BOT_CHANNELS × the roster
 * queue's `bot` flag, bot-switch.ts), the bot either answers through the customer's channel (a `message.sent`
 * with `properties.bot = true`, sent by whatever owns the senders: the HTTP app binds `reply`), asks a
 * clarifying question (clarify.ts), or hands over: it stamps `handoff` (reason, intent, summary) in the
 * conversation meta, whose `messages` are the transcript the agent sees, tells the customer a person is
 * coming, and stays quiet on that conversation afterwards — except to read the answer to its own "which
 * topic?" question. What a clarifying answer reveals moves the waiting conversation to that topic's group
 * (RoutingDesk.regroupForIntent). The conversation stays queued either way: the bot answers while the
 * customer waits, it never takes a conversation away from the agents.
 *
 * Work runs beside the routing batch (never blocks it); `idle()` waits for what is in flight. Idempotent for a
 * redelivered message: the outbound id is derived from the customer's event id (senders pass it as their
 * idempotency key, ingest counts the `message.sent` once), a stamped handoff is not stamped again, and an
 * open question remembers the event it was asked on.
 */
import type { PersonalData } from '../../shared/privacy/personal-data.js';
import type { Clock } from '../../shared/clock.js';
import type { EventEnvelope } from '../../shared/envelope.js';
import type { Logger } from '../../shared/logger.js';
import type { StateStore } from '../../shared/ports/state-store.js';
import type { Intent } from '../intent/intent-port.js';
import type { ConversationMeta } from '../routing/conversation-meta.js';
import { textOf } from '../routing/conversation-meta.js';
import type { RoutingDesk } from '../routing/routing-desk.js';
import type { BotSwitch } from './bot-switch.js';
import {
  ClarifyStore,
  clarifyQuestion,
  GENERIC_INTENTS,
  isUnclear,
  MAX_CLARIFY_QUESTIONS,
  parseMenuChoice,
  ROUTED_MESSAGE,
  type PendingClarification,
} from './clarify.js';
import { handoffSummary, type HandoffReason } from './decide.js';
import { HANDOFF_MESSAGE, type BotReply, type FaqBot } from './faq-bot.js';

/** A reply the bot asks the outbound side to send and record. */
export interface BotOutbound {
  conversationId: string;
  channel: string;
  text: string;
  /** Outbound message id, derived from the customer's event id (idempotency key). */
  messageId: string;
  /** Extra properties of the recorded `message.sent` (always with `bot: true`). */
  properties: Record<string, unknown>;
}

export type BotReplyFn = (m: BotOutbound) => Promise<void>;

/** What the bot stamped in the conversation meta when it handed over. */
export interface BotHandoff {
  reason: HandoffReason;
  intent: Intent;
  summary: string;
  at: number;
  /** The customer event the bot handed over on. */
  event_id: string;
}

export type BotOutcome = 'answered' | 'clarifying' | 'handed_off' | 'routed' | 'skipped';

export interface BotResponderOptions {
  bot: Pick<FaqBot, 'ask'>;
  /** May the bot speak here? (BOT_CHANNELS × roster queue flag; an experiment may wrap it.) */
  allowed: BotSwitch;
  desk: Pick<RoutingDesk, 'store' | 'meta' | 'regroupForIntent'>;
  /** Where open clarifying questions live (`bot:clarify:<id>`). */
  state: Pick<StateStore, 'get' | 'set' | 'del'>;
  /** Seals the customer's words kept between clarifying questions (docs/privacy.md). */
  personal?: Pick<PersonalData, 'seal' | 'open'>;
  clock: Clock;
  log: Logger;
  /** Bound later by the process that owns the senders; without it the bot stays silent (skips). */
  reply?: BotReplyFn;
}

export class BotResponder {
  reply?: BotReplyFn;
  private readonly pending = new Set<Promise<unknown>>();
  private readonly clarify: ClarifyStore;

  constructor(private readonly o: BotResponderOptions) {
    this.reply = o.reply;
    this.clarify = new ClarifyStore(o.state, o.personal);
  }

  /** Starts handling `e` beside the caller (a routing batch); errors are logged, never thrown. */
  submit(e: EventEnvelope): void {
    const p = this.handle(e).catch((err) =>
      this.o.log.error({ err, conversation: e.conversation_id }, 'bot step failed; the conversation stays queued for a person'),
    );
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Resolves when every submitted message has been handled. */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  /** One customer message; see the module comment for the rules. */
  async handle(e: EventEnvelope): Promise<BotOutcome> {
    const id = e.conversation_id;
    const reply = this.reply;
    if (!reply || !id || e.type !== 'message.received') return 'skipped';
    const text = textOf(e).trim();
    if (!text) return 'skipped';
    const state = await this.o.desk.store.conv(id);
    if (!state || state.status !== 'queued' || state.agent) return 'skipped';
    if (!this.o.allowed({ conversationId: id, channel: e.channel, group: state.group })) return 'skipped';
    const meta = await this.o.desk.meta.get(id);
    if (!meta) return 'skipped';
    const send = (t: string, properties: Record<string, unknown>) =>
      reply({ conversationId: id, channel: e.channel, text: t, messageId: `bot-${e.id}`.slice(0, 120), properties: { bot: true, ...properties } });
    const open = await this.clarify.get(id);
    if (open) {
      if (open.event_id === e.id) return 'skipped'; // a redelivery of the message the question was asked on
      return this.answered(e, text, meta, open, send);
    }
    if (meta.handoff) return 'skipped';
    const r = this.o.bot.ask(text);
    const lang = r.retrieval.lang ?? 'zh';
    const d = r.decision;
    if (d.kind === 'answer') {
      await send(r.answer, { article_id: d.article.id, confidence: d.confidence });
      this.o.log.debug({ conversation: id, article: d.article.id, confidence: d.confidence }, 'bot answered');
      return 'answered';
    }
    // A person was asked for, but nothing the customer said tells which group: hand over now, and ask.
    if (d.intent === 'human_agent' && GENERIC_INTENTS.includes(meta.intent as Intent)) {
      await this.handOver(e, meta, { reason: d.reason, intent: d.intent, summary: d.summary });
      await this.clarify.put(id, { kind: 'route', asked: 1, question: text, lang, event_id: e.id });
      await send(clarifyQuestion('route', lang), { handoff: true, handoff_reason: d.reason, intent: d.intent, clarify: 'route' });
      return 'handed_off';
    }
    if (isUnclear(d, r.intent)) {
      await this.clarify.put(id, { kind: 'unclear', asked: 1, question: text, lang, event_id: e.id });
      await send(clarifyQuestion('unclear', lang), { clarify: 'unclear', intent: r.intent.intent });
      this.o.log.debug({ conversation: id, intent: r.intent.intent }, 'bot asked a clarifying question');
      return 'clarifying';
    }
    await this.handOver(e, meta, { reason: d.reason, intent: d.intent, summary: d.summary });
    // A later message with a clear topic other than the one triage saw (after a greeting, say) moves it there.
    if (!GENERIC_INTENTS.includes(d.intent) && d.intent !== meta.intent) await this.o.desk.regroupForIntent(id, d.intent);
    await send(HANDOFF_MESSAGE[lang], { handoff: true, handoff_reason: d.reason, intent: d.intent });
    return 'handed_off';
  }

  /** The customer's reply to an open clarifying question: a menu number, or words read again with the question. */
  private async answered(
    e: EventEnvelope,
    text: string,
    meta: ConversationMeta,
    open: PendingClarification,
    send: (t: string, p: Record<string, unknown>) => Promise<void>,
  ): Promise<BotOutcome> {
    const id = meta.id;
    const choice = parseMenuChoice(text);
    if (open.kind === 'route') {
      await this.clarify.clear(id);
      const r = choice ? null : this.o.bot.ask(text);
      const intent = choice ?? (r ? this.topicOf(r) : null);
      if (!intent) return 'skipped'; // nothing to route on: the conversation waits where it is, for a person
      await this.o.desk.regroupForIntent(id, intent);
      // The agent's summary names the topic the customer chose, with their words.
      const m = await this.o.desk.meta.get(id);
      if (m?.handoff)
        await this.o.desk.meta.put({
          ...m,
          handoff: { ...m.handoff, summary: handoffSummary(`${open.question} / ${text}`, { intent, confidence: r ? r.intent.confidence : 1 }, 'clarified') },
        });
      await send(ROUTED_MESSAGE[open.lang], { handoff: true, handoff_reason: 'clarified', intent });
      return 'routed';
    }
    const words = `${open.question}\n${text}`;
    const r = choice ? null : this.o.bot.ask(words);
    if (r?.decision.kind === 'answer') {
      await this.clarify.clear(id);
      await send(r.answer, { article_id: r.decision.article.id, confidence: r.decision.confidence });
      return 'answered';
    }
    const intent = choice ?? (r ? this.topicOf(r) : null);
    if (!intent && open.asked < MAX_CLARIFY_QUESTIONS) {
      await this.clarify.put(id, { ...open, asked: open.asked + 1, question: words, event_id: e.id });
      await send(clarifyQuestion('unclear', open.lang), { clarify: 'unclear', intent: r?.intent.intent ?? 'other' });
      return 'clarifying';
    }
    await this.clarify.clear(id);
    const final: Intent = intent ?? r?.intent.intent ?? 'other';
    const summary = handoffSummary(words, { intent: final, confidence: choice ? 1 : (r?.intent.confidence ?? 0) }, 'clarified');
    await this.handOver(e, meta, { reason: 'clarified', intent: final, summary });
    if (!GENERIC_INTENTS.includes(final)) await this.o.desk.regroupForIntent(id, final);
    await send(HANDOFF_MESSAGE[open.lang], { handoff: true, handoff_reason: 'clarified', intent: final });
    return 'handed_off';
  }

  /** The topic of a reply when the model names one with some confidence (never other / human_agent). */
  private topicOf(r: BotReply): Intent | null {
    const i = r.intent;
    return GENERIC_INTENTS.includes(i.intent) || i.confidence < 0.4 ? null : i.intent;
  }

  private async handOver(e: EventEnvelope, meta: ConversationMeta, h: { reason: HandoffReason; intent: Intent; summary: string }): Promise<void> {
    const handoff: BotHandoff = { ...h, at: this.o.clock.now(), event_id: e.id };
    await this.o.desk.meta.put({ ...meta, handoff });
    this.o.log.debug({ conversation: meta.id, reason: h.reason, intent: h.intent }, 'bot handed over');
  }
}
