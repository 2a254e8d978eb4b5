import type { PersonalData } from '../../shared/privacy/personal-data.js';
import type { EventEnvelope } from '../../shared/envelope.js';
import type { BusBatch, Subscription } from '../../shared/ports/event-bus.js';
import type { Warehouse } from '../../shared/ports/warehouse.js';
import type { Intent, IntentClassifier } from '../intent/intent-port.js';
import { conversationPriority, isUrgent, type PriorityRules } from '../sessions/priority.js';
import type { SuggestStore } from '../suggest/suggest-store.js';
import { TOPICS } from '../../shared/topics.js';
import { previewOf, tagOf, textOf, type ConversationMeta } from './conversation-meta.js';
import { sortKey } from './queue-keys.js';
import type { ConvState } from './queue-store.js';
import type { RoutingDesk } from './routing-desk.js';
import { escalateBreaches, gaugeRows } from './routing-views.js';
import { groupFor, statedIntent, triageText, wordsId } from './triage.js';

/** Consumer group of the routing service (its own offsets beside the stream worker's). */
export const ROUTING_GROUP = 'omnilane-routing';
/** Conversations of one batch taken in at the same time (each one's events stay in order). */
const INTAKE_LANES = 16;

export interface RoutingServiceOptions {
  desk: RoutingDesk;
  /** Where routing_gauges samples go. */
  warehouse: Pick<Warehouse, 'append'>;
  classifier: IntentClassifier;
  priority: PriorityRules;
  /** Offer timeouts, escalation and dispatch retries run this often, ms. */
  tickMs?: number;
  /** routing_gauges sample period, ms. */
  gaugeMs?: number;
  /** The FAQ bot (BOT_ENABLED): sees each customer message once routing has queued and recorded it. */
  bot?: { submit(e: EventEnvelope): void };
  /** Opens sealed personal fields of consumed events in memory (docs/privacy.md). */
  personal?: Pick<PersonalData, 'openEvents'>;
  /** Reply suggestions: opportunity.created / deal.won reward the scripts used in that conversation. */
  suggestions?: Pick<SuggestStore, 'outcome'>;
}

/**
 * The stream side of routing: consumes the events topic in its own group,
 * triages new customer conversations (intent → group, rules such as VIP or
 * high_value + price_inquiry | feature_comparison | purchase → senior_sales) on their first event, and once more
 * on the customer's first words when that event had none (while the
 * conversation still waits), computes priority and SLA due time,
 * enqueues (idempotent by conversation id, so a redelivered batch changes
 * nothing) and dispatches. A timer re-routes offers past their accept time,
 * escalates predicted SLA breaches, and samples routing_gauges every 10 s.
 */
export class RoutingService {
  private sub?: Subscription;
  private tick?: NodeJS.Timeout;
  private gauge?: NodeJS.Timeout;
  private ticking = false;

  constructor(private readonly o: RoutingServiceOptions) {}

  async start(): Promise<void> {
    const { desk } = this.o;
    this.sub = await desk.o.bus.subscribe({
      groupId: ROUTING_GROUP,
      topics: [TOPICS.events],
      maxBatchSize: 500,
      eachBatch: (b) => this.handle(b),
      onError: (err, b) => desk.o.log.error({ err, partition: b.partition }, 'routing batch failed; will retry'),
    });
    this.tick = setInterval(() => void this.onTick(), this.o.tickMs ?? 1000);
    this.gauge = setInterval(() => void this.sampleGauges(), this.o.gaugeMs ?? 10_000);
    this.tick.unref();
    this.gauge.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.tick);
    clearInterval(this.gauge);
    await this.sub?.stop();
  }

  async lag(): Promise<number> {
    return (await this.sub?.lag())?.reduce((s, p) => s + p.lag, 0) ?? 0;
  }

  private async handle(batch: BusBatch): Promise<void> {
    const touched = new Set<string>();
    const decoded: EventEnvelope[] = [];
    for (const m of batch.messages) {
      try {
        decoded.push(JSON.parse(m.value) as EventEnvelope);
      } catch {
        continue; // the stream worker keeps unparsable messages in dead_letters
      }
    }
    // Triage, the console's messages and the bot read text: opened in memory; the desk seals what it stores.
    const events = this.o.personal ? await this.o.personal.openEvents(decoded) : decoded;
    // Conversations are independent (the queue scripts are atomic, the order comes from event time): each one's
    // events in order, up to INTAKE_LANES conversations at a time, so the state store's round trips overlap.
    const lanes = new Map<string, EventEnvelope[]>();
    for (const e of events) {
      const lane = lanes.get(e.conversation_id ?? '');
      if (lane) lane.push(e);
      else lanes.set(e.conversation_id ?? '', [e]);
    }
    const waiting = [...lanes.values()];
    const done = await Promise.allSettled(
      Array.from({ length: Math.min(INTAKE_LANES, waiting.length) }, async () => {
        for (let lane = waiting.shift(); lane; lane = waiting.shift())
          for (const e of lane) {
            const g = await this.intake(e);
            if (g) touched.add(g);
          }
      }),
    );
    // Every lane has stopped before the batch fails: its retry never overlaps a lane still running.
    const failed = done.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    for (const g of touched) await this.o.desk.dispatch(g);
  }

  /** One event; returns the group to dispatch when it queued (or re-queued) something. Idempotent. */
  async intake(e: EventEnvelope): Promise<string | null> {
    const { desk } = this.o;
    const id = e.conversation_id;
    // Outcomes (the console's own close events included, and CSAT answers) teach the reply-suggestion bandit; idempotent per
    // (conversation, script, outcome), so a redelivered batch rewards nothing twice.
    if (id && this.o.suggestions && (e.type === 'opportunity.created' || e.type === 'deal.won'))
      await this.o.suggestions.outcome(id, e.type === 'deal.won' ? 'deal' : 'opportunity');
    if (id && this.o.suggestions && e.type === 'csat.submitted' && typeof e.properties.score === 'number')
      await this.o.suggestions.outcome(id, 'csat', e.properties.score);
    if (!id || e.producer === 'routing') return null;
    if (e.type === 'conversation.started' || e.type === 'message.received') {
      const state = await desk.store.conv(id);
      let group: string | null = null;
      // The moment of triage: the first event, and once more the customer's first words when the first
      // event had none (a replay of those words rewrites the same meta). The enqueue script decides.
      if (!state || (triageText(e) && (state.awaitingWords || state.triagedBy === wordsId(e)))) group = await this.triage(e, id, state);
      if (e.type === 'message.received') {
        await this.message(e, id, 'in');
        this.o.bot?.submit(e);
      }
      return group;
    }
    if (e.type === 'message.sent') await this.message(e, id, 'out');
    if (e.type === 'conversation.closed' && e.producer !== 'agent') {
      // Closed elsewhere (a CRM, the channel): free the slot, publish nothing (the close is already an event).
      await desk.close(null, id, null, 0, false).catch(() => undefined);
    }
    return null;
  }

  private async message(e: EventEnvelope, id: string, direction: 'in' | 'out'): Promise<void> {
    const text = textOf(e);
    const msg = {
      id: `${e.producer}/${e.id}`,
      at: e.occurred_at,
      direction,
      channel: e.channel,
      text,
      agent_id: e.agent_id,
      ...(e.properties.bot === true ? { bot: true } : {}),
    };
    if (await this.o.desk.meta.addMessage(id, msg)) this.o.desk.emit('console', { type: 'message', conversation_id: id, ...msg });
  }

  /**
   * Intent → group (a rule may override), priority and SLA; then enqueue.
   * `state` non-null: a re-triage on the customer's first words of a
   * conversation that waits since a start without them; it keeps its start
   * (wait and SLA run from there) and a known tag, and moves only if the
   * enqueue script finds it still waiting (docs/routing.md).
   */
  private async triage(e: EventEnvelope, id: string, state: ConvState | null): Promise<string | null> {
    const { desk } = this.o;
    const roster = desk.roster;
    const text = triageText(e);
    const existing = await desk.meta.get(id);
    // A producer that already knows the intent (a bot, an IVR menu, a web form) states it; otherwise classify.
    const stated = statedIntent(e);
    const intent: Intent = stated ?? (text ? (await this.o.classifier.classify(text)).intent : 'other');
    // Ingest stamps a known customer's tag on every event; one that states none keeps what the start said.
    const tag = e.properties.tag === undefined && existing ? existing.tag : tagOf(e);
    const priority = conversationPriority({ channels: [e.channel], urgent: isUrgent(text, this.o.priority.urgentKeywords), tags: [tag] }, this.o.priority);
    const group = groupFor(roster, { id, tag, channel: e.channel, intent, priority, enqueuedAt: e.occurred_at });
    const slaMs = roster.queues.find((q) => q.group === group)?.slaMs ?? roster.slaMs;
    const now = desk.o.clock.now();
    // The wait (and SLA) runs from the conversation's start (event time) when routing sees it within one
    // SLA period; an older event (a backfill, demo history, a long outage) is queued as of now instead of
    // arriving already breached.
    const enqueuedAt = state ? state.enqueuedAt : e.occurred_at <= now && e.occurred_at > now - slaMs ? e.occurred_at : now;
    const slaDueAt = enqueuedAt + slaMs;
    // A timed-out offer earned the head of its queue; words that keep it in that group keep it there.
    const head = state?.status === 'queued' && state.group === group && state.sort.startsWith('0');
    const sort = sortKey({ tag, priority, slaDueAt, enqueuedAt, id, head });
    if (state) return this.requeueOnWords(e, id, { group, sort, intent, tag, priority, slaDueAt, existing });
    const previous = await desk.meta.previousAgent(e.customer_key);
    const source = typeof e.properties.source === 'string' ? e.properties.source : typeof e.properties.utm_source === 'string' ? e.properties.utm_source : '';
    const meta: ConversationMeta = existing ?? {
      id,
      customer: e.customer,
      customerKey: e.customer_key,
      channel: e.channel,
      tag,
      source,
      intent,
      priority,
      slaDueAt,
      startedAt: e.occurred_at,
      preview: previewOf(textOf(e)),
      ...(previous ? { previousAgentId: previous } : {}),
      messages: [],
    };
    await desk.meta.put(meta);
    const r = await desk.store.enqueue(id, group, sort, enqueuedAt, text || stated ? {} : { awaitingWords: true });
    if (r.status === 'enqueued') {
      desk.o.log.debug({ conversation: id, group, intent, tag, priority }, 'conversation queued');
      desk.emit('console', { type: 'queue', group });
    }
    return group;
  }

  /** The re-triage step: the enqueue script moves the conversation (or refuses); the meta follows what it did. */
  private async requeueOnWords(
    e: EventEnvelope,
    id: string,
    t: { group: string; sort: string; intent: Intent; tag: ConversationMeta['tag']; priority: number; slaDueAt: number; existing: ConversationMeta | null },
  ): Promise<string | null> {
    const { desk } = this.o;
    const r = await desk.store.enqueue(id, t.group, t.sort, desk.o.clock.now(), { words: wordsId(e) });
    if (r.status !== 'retriaged' && r.status !== 'already') return null;
    if (t.existing) await desk.meta.put({ ...t.existing, intent: t.intent, tag: t.tag, priority: t.priority, slaDueAt: t.slaDueAt });
    if (r.status === 'retriaged') {
      desk.o.log.info({ conversation: id, from: r.from, group: t.group, intent: t.intent, withdrawn: r.withdrawn }, 'triaged again on the customer words');
      desk.emit('console', { type: 'queue', group: r.from });
      if (r.from !== t.group) desk.emit('console', { type: 'queue', group: t.group });
    }
    return t.group;
  }

  /** Re-routes offers past their accept time, escalates predicted breaches, retries dispatch. */
  async onTick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    const { desk } = this.o;
    try {
      const now = desk.o.clock.now();
      for (const [id, [agent, status, by]] of Object.entries(await desk.store.open())) {
        if (status !== 'offered' || by > now) continue;
        const r = await desk.store.requeue(id, now, (c) => `0${c.sort.slice(1)}`);
        if (r.status === 'requeued') desk.o.log.info({ conversation: id, agent }, 'offer not accepted in time; back to the queue head');
      }
      for (const g of desk.groups()) {
        await escalateBreaches(desk, g, now);
        await desk.dispatch(g);
      }
    } catch (err) {
      desk.o.log.error({ err }, 'routing tick failed');
    } finally {
      this.ticking = false;
    }
  }

  async sampleGauges(): Promise<void> {
    try {
      const rows = await gaugeRows(this.o.desk, this.o.desk.o.clock.now());
      await this.o.warehouse.append('routing_gauges', rows);
    } catch (err) {
      this.o.desk.o.log.error({ err }, 'routing gauges sample failed');
    }
  }
}
