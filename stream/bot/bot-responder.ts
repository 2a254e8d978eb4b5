/**
 * The FAQ bot on the live path (BOT_ENABLED, default off). When a customer message arrives on a conversation
 * that is queued and not yet offered or assigned, on a channel of BOT_CHANNELS, the bot either answers through
 * the customer's channel (a `message.sent` with `properties.bot = true`, sent by whatever owns the senders:
 * the HTTP app binds `reply`) or hands over: it stamps `handoff` (reason, intent, summary) in the conversation
 * meta, whose `messages` are the transcript the agent sees, tells the customer a person is coming, and stays
 * quiet on that conversation afterwards. The conversation stays in its queue either way: the bot answers
 * while the customer waits, it never takes a conversation away from the agents.
 *
 * Work runs beside the routing batch (never blocks it); `idle()` waits for what is in flight. Idempotent for a
 * redelivered message: the outbound id is derived from the customer's event id (senders pass it as their
 * idempotency key, ingest counts the `message.sent` once), and a stamped handoff is not stamped again.
 */
import type { Clock } from '../../shared/clock.js';
import type { EventEnvelope } from '../../shared/envelope.js';
import type { Logger } from '../../shared/logger.js';
import type { Intent } from '../intent/intent-port.js';
import { textOf } from '../routing/conversation-meta.js';
import type { RoutingDesk } from '../routing/routing-desk.js';
import type { HandoffReason } from './decide.js';
import { HANDOFF_MESSAGE, type FaqBot } from './faq-bot.js';

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

export type BotOutcome = 'answered' | 'handed_off' | 'skipped';

export interface BotResponderOptions {
  bot: Pick<FaqBot, 'ask'>;
  /** BOT_CHANNELS. */
  channels: readonly string[];
  desk: Pick<RoutingDesk, 'store' | 'meta'>;
  clock: Clock;
  log: Logger;
  /** Bound later by the process that owns the senders; without it the bot stays silent (skips). */
  reply?: BotReplyFn;
}

export class BotResponder {
  reply?: BotReplyFn;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly o: BotResponderOptions) {
    this.reply = o.reply;
  }

  /** Starts handling `e` beside the caller (a routing batch); errors are logged, never thrown. */
  submit(e: EventEnvelope): void {
    const p = this.handle(e).catch((err) => this.o.log.error({ err, conversation: e.conversation_id }, 'bot step failed; the conversation stays queued for a person'));
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
    if (!reply || !id || e.type !== 'message.received' || !this.o.channels.includes(e.channel)) return 'skipped';
    const text = textOf(e).trim();
    if (!text) return 'skipped';
    const state = await this.o.desk.store.conv(id);
    if (!state || state.status !== 'queued' || state.agent) return 'skipped';
    const meta = await this.o.desk.meta.get(id);
    if (!meta || meta.handoff) return 'skipped';
    const r = this.o.bot.ask(text);
    const messageId = `bot-${e.id}`.slice(0, 120);
    const d = r.decision;
    if (d.kind === 'answer') {
      await reply({ conversationId: id, channel: e.channel, text: r.answer, messageId, properties: { bot: true, article_id: d.article.id, confidence: d.confidence } });
      this.o.log.debug({ conversation: id, article: d.article.id, confidence: d.confidence }, 'bot answered');
      return 'answered';
    }
    const handoff: BotHandoff = { reason: d.reason, intent: d.intent, summary: d.summary, at: this.o.clock.now(), event_id: e.id };
    await this.o.desk.meta.put({ ...meta, handoff });
    await reply({ conversationId: id, channel: e.channel, text: HANDOFF_MESSAGE[r.retrieval.lang ?? 'zh'], messageId, properties: { bot: true, handoff: true, handoff_reason: d.reason, intent: d.intent } });
    this.o.log.debug({ conversation: id, reason: d.reason, intent: d.intent }, 'bot handed over');
    return 'handed_off';
  }
}
