import type { EventEnvelope } from '../../shared/envelope.js';
import type { BusBatch, Subscription } from '../../shared/ports/event-bus.js';
import type { Warehouse } from '../../shared/ports/warehouse.js';
import { INTENTS, type Intent, type IntentClassifier } from '../intent/intent-port.js';
import { conversationPriority, isUrgent, type PriorityRules } from '../sessions/priority.js';
import { TOPICS } from '../topics.js';
import { previewOf, tagOf, textOf, type ConversationMeta } from './conversation-meta.js';
import type { Conversation } from './model.js';
import { sortKey } from './queue-keys.js';
import type { RoutingDesk } from './routing-desk.js';
import { escalateBreaches, gaugeRows } from './routing-views.js';
import { matchRule } from './rules.js';

/** Consumer group of the routing service (its own offsets beside the stream worker's). */
export const ROUTING_GROUP = 'omnilane-routing';

export interface RoutingServiceOptions {
  desk: RoutingDesk;
  warehouse: Warehouse;
  classifier: IntentClassifier;
  priority: PriorityRules;
  /** Offer timeouts, escalation and dispatch retries run this often, ms. */
  tickMs?: number;
  /** routing_gauges sample period, ms. */
  gaugeMs?: number;
}

/**
 * The stream side of routing: consumes the events topic in its own group,
 * triages new customer conversations (intent → group, rules such as VIP or
 * high_value + pre_sale → senior_sales), computes priority and SLA due time,
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
    for (const m of batch.messages) {
      let e: EventEnvelope;
      try {
        e = JSON.parse(m.value) as EventEnvelope;
      } catch {
        continue; // the stream worker keeps unparsable messages in dead_letters
      }
      const g = await this.intake(e);
      if (g) touched.add(g);
    }
    for (const g of touched) await this.o.desk.dispatch(g);
  }

  /** One event; returns the group to dispatch when it queued something. Idempotent. */
  async intake(e: EventEnvelope): Promise<string | null> {
    const { desk } = this.o;
    const id = e.conversation_id;
    if (!id || e.producer === 'routing') return null;
    if (e.type === 'conversation.started' || e.type === 'message.received') {
      const state = await desk.store.conv(id);
      let group: string | null = null;
      if (!state) group = await this.triage(e, id);
      if (e.type === 'message.received') await this.message(e, id, 'in');
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
    const msg = { id: `${e.producer}/${e.id}`, at: e.occurred_at, direction, channel: e.channel, text, agent_id: e.agent_id };
    if (await this.o.desk.meta.addMessage(id, msg)) this.o.desk.emit('console', { type: 'message', conversation_id: id, ...msg });
  }

  /** Intent → group (a rule may override), priority and SLA; then enqueue. */
  private async triage(e: EventEnvelope, id: string): Promise<string> {
    const { desk } = this.o;
    const roster = desk.roster;
    const text = textOf(e);
    // A producer that already knows the intent (a bot, an IVR menu, a web form) states it; otherwise classify.
    const stated = e.properties.intent;
    const intent: Intent = typeof stated === 'string' && (INTENTS as readonly string[]).includes(stated) ? (stated as Intent) : text ? (await this.o.classifier.classify(text)).intent : 'other';
    const tag = tagOf(e);
    const priority = conversationPriority({ channels: [e.channel], urgent: isUrgent(text, this.o.priority.urgentKeywords), tags: [tag] }, this.o.priority);
    const conv: Conversation = { id, tag, channel: e.channel, intent, priority, enqueuedAt: e.occurred_at };
    const rule = matchRule(roster.rules, conv);
    const groups = desk.groups();
    let group = rule?.then.group ?? roster.intentGroups[intent] ?? (groups.includes(intent) ? intent : groups[0]);
    if (!groups.includes(group)) group = groups[0];
    const slaMs = roster.queues.find((q) => q.group === group)?.slaMs ?? roster.slaMs;
    const now = desk.o.clock.now();
    // The wait (and SLA) runs from the conversation's start (event time) when routing sees it within one
    // SLA period; an older event (a backfill, demo history, a long outage) is queued as of now instead of
    // arriving already breached.
    const enqueuedAt = e.occurred_at <= now && e.occurred_at > now - slaMs ? e.occurred_at : now;
    const slaDueAt = enqueuedAt + slaMs;
    const existing = await desk.meta.get(id);
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
      preview: previewOf(text),
      ...(previous ? { previousAgentId: previous } : {}),
      messages: [],
    };
    await desk.meta.put(meta);
    const r = await desk.store.enqueue(id, group, sortKey({ tag, priority, slaDueAt, enqueuedAt, id }), enqueuedAt);
    if (r.status === 'enqueued') {
      desk.o.log.debug({ conversation: id, group, intent, tag, priority }, 'conversation queued');
      desk.emit('console', { type: 'queue', group });
    }
    return group;
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
      await this.o.warehouse.append('routing_gauges', rows as unknown as Array<Record<string, unknown>>);
    } catch (err) {
      this.o.desk.o.log.error({ err }, 'routing gauges sample failed');
    }
  }
}
