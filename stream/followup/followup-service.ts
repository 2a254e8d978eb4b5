import type { PersonalData } from '../../shared/privacy/personal-data.js';
import type { EventEnvelope } from '../../shared/envelope.js';
import type { BusBatch, EventBus, Subscription } from '../../shared/ports/event-bus.js';
import type { IntentClassifier } from '../intent/intent-port.js';
import { statedIntent } from '../routing/triage.js';
import { TOPICS } from '../../shared/topics.js';
import { optIn, optOut, stopSequence } from './consent-actions.js';
import { firstCheck } from './decide.js';
import { parseFollowupConfig, type FollowupConfig } from './followup-config.js';
import { FOLLOWUP_PRODUCER } from './followup-events.js';
import { FollowupScheduler, type SchedulerOptions } from './followup-scheduler.js';
import type { FollowupStore } from './followup-store.js';
import { foldLead } from './lead.js';
import { consentWord } from './opt-out.js';

/** Consumer group of the follow-up service (its own offsets beside the stream worker's and routing's). */
export const FOLLOWUP_GROUP = 'omnilane-followup';

/** Event types that change a lead; others pass by without a state read. */
const LEAD_TYPES = new Set(['message.received', 'message.sent', 'conversation.closed', 'deal.lost', 'opportunity.created', 'deal.won']);

export interface FollowupServiceOptions extends Omit<SchedulerOptions, 'config' | 'publish'> {
  bus: EventBus;
  store: FollowupStore;
  /** The rules from FOLLOWUP_RULES_FILE; rules set over the API (kept in the store) take precedence. */
  fileConfig: FollowupConfig;
  classifier: IntentClassifier;
  /** Leads whose last message is older than this are not armed (a first start over old history sends nothing to it), ms. */
  lookbackMs: number;
  /** How often due timers run, ms. */
  tickMs?: number;
  /** Opens events in memory (the classifier reads text) and seals what this service publishes (docs/privacy.md). */
  personal?: Pick<PersonalData, 'openEvents' | 'sealEvents'>;
}

/**
 * The stream side of follow-up: consumes the events topic in its own group
 * from the beginning (every opt-out ever recorded is honoured), keeps each
 * lead's state, stops sequences on a reply, an opportunity or deal, an agent
 * taking over or an opt-out, arms a timer for leads a rule may follow up,
 * and runs the scheduler (due timers, atomic claims) every tick. Any number
 * of processes may run it: partitions are shared by the group, timers by claims.
 */
export class FollowupService {
  readonly scheduler: FollowupScheduler;
  private sub?: Subscription;
  private timer?: NodeJS.Timeout;
  private ticking = false;
  private cfg: FollowupConfig;
  private override: string | null = null;

  constructor(private readonly o: FollowupServiceOptions) {
    this.cfg = o.fileConfig;
    this.scheduler = new FollowupScheduler({ ...o, config: () => this.cfg, publish: (evs) => this.publish(evs) });
  }

  config(): FollowupConfig {
    return this.cfg;
  }

  async start(): Promise<void> {
    await this.reloadRules();
    this.sub = await this.o.bus.subscribe({
      groupId: FOLLOWUP_GROUP,
      topics: [TOPICS.events],
      fromBeginning: true,
      maxBatchSize: 500,
      eachBatch: (b) => this.handle(b),
      onError: (err, b) => this.o.log.error({ err, partition: b.partition }, 'follow-up batch failed; will retry'),
    });
    this.timer = setInterval(() => void this.onTick(), this.o.tickMs ?? 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sub?.stop();
    while (this.ticking) await new Promise((r) => setTimeout(r, 20));
  }

  async lag(): Promise<number> {
    return (await this.sub?.lag())?.reduce((s, p) => s + p.lag, 0) ?? 0;
  }

  private async publish(plain: EventEnvelope[]): Promise<void> {
    if (plain.length === 0) return;
    const events = this.o.personal ? await this.o.personal.sealEvents(plain) : plain;
    await this.o.bus.publish(
      TOPICS.events,
      events.map((e) => ({ key: e.customer_key, value: JSON.stringify(e) })),
    );
  }

  private async handle(batch: BusBatch): Promise<void> {
    const decoded: EventEnvelope[] = [];
    for (const m of batch.messages) {
      try {
        decoded.push(JSON.parse(m.value) as EventEnvelope);
      } catch {
        continue; // the stream worker keeps unparsable messages in dead_letters
      }
    }
    for (const e of this.o.personal ? await this.o.personal.openEvents(decoded) : decoded) await this.intake(e);
  }

  /** One event. Idempotent: a redelivered batch changes nothing and publishes the same event ids. */
  async intake(e: EventEnvelope): Promise<void> {
    if (e.producer === FOLLOWUP_PRODUCER) return;
    const { store } = this.o;
    const now = this.o.clock.now();
    const id = e.customer_key;
    const who = { customerId: id, customer: e.customer, at: e.occurred_at, now };
    const p = e.properties;
    const out: EventEnvelope[] = [];
    if (e.type === 'consent.changed' && typeof p.consent_channel === 'string') {
      const src = typeof p.source === 'string' ? p.source : e.producer;
      out.push(
        ...(p.state === 'opted_out'
          ? await optOut(store, { ...who, channel: p.consent_channel, source: src })
          : await optIn(store, { ...who, channel: p.consent_channel, source: src })),
      );
    } else if (e.type === 'touchpoint' && p.step === 'wechat_unsubscribe') {
      out.push(...(await optOut(store, { ...who, channel: 'wechat', source: 'wechat_unsubscribe' })));
    }
    const word = e.type === 'message.received' ? consentWord(p.text) : null;
    if (word === 'opt_out') out.push(...(await optOut(store, { ...who, channel: e.channel, source: `${e.channel}_keyword` })));
    if (word === 'opt_in') out.push(...(await optIn(store, { ...who, channel: e.channel, source: `${e.channel}_keyword` })));
    const reason = stopReason(e);
    if (reason && word !== 'opt_out') out.push(...(await stopSequence(store, { customerId: id, reason, now, mode: 'active' })));
    await this.publish(out);
    if (!LEAD_TYPES.has(e.type) || word === 'opt_out') return;
    const view = await store.read(id);
    const text = typeof p.text === 'string' ? p.text : '';
    const intent =
      e.type === 'message.received'
        ? (statedIntent(e) ?? (text && (!view.lead || view.lead.intent === 'other') ? (await this.o.classifier.classify(text)).intent : null))
        : null;
    const lead = foldLead(view.lead, e, intent);
    if (!lead) return;
    const due = lead.lastAt >= now - this.o.lookbackMs ? firstCheck(this.cfg, lead, view.ran) : null;
    await store.arm(id, due, lead);
  }

  private async onTick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      await this.reloadRules();
      await this.drainOutbox();
      await this.scheduler.tick();
    } catch (err) {
      this.o.log.error({ err }, 'follow-up tick failed');
    } finally {
      this.ticking = false;
    }
  }

  /** Rules set over the API win over the file; a bad stored document is logged and the previous rules kept. */
  private async reloadRules(): Promise<void> {
    const json = await this.o.store.rulesOverride();
    if (json === this.override) return;
    this.override = json;
    try {
      this.cfg = json === null ? this.o.fileConfig : parseFollowupConfig(JSON.parse(json), 'rules set over the API');
    } catch (err) {
      this.o.log.error({ err }, 'follow-up rules in the store are not valid; keeping the previous ones');
    }
  }

  /** Publishes what processes without a bus queued (API cancels, e-mail unsubscribes), then forgets it. */
  private async drainOutbox(): Promise<void> {
    const items = await this.o.store.outbox();
    if (!items.length) return;
    await this.publish(items.map(([, e]) => e));
    await this.o.store.outboxDone(items.map(([k]) => k));
  }
}

/** Why this event stops a running sequence, if it does. */
export function stopReason(e: EventEnvelope): string | null {
  if (e.type === 'message.received') return 'replied';
  if (e.type === 'opportunity.created' || e.type === 'deal.won') return 'converted';
  // A person took the conversation: an assignment, or an agent's own message (bots and the follow-up itself are not agents).
  if (e.type === 'conversation.assigned' && e.agent_id) return 'agent';
  if (e.type === 'message.sent' && e.agent_id && e.producer !== 'bot') return 'agent';
  return null;
}
