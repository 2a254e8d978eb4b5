import type { Clock } from '../../shared/clock.js';
import type { EventEnvelope } from '../../shared/envelope.js';
import type { Logger } from '../../shared/logger.js';
import type { Suppression } from '../../shared/ports/suppression.js';
import { decideStart, decideStep, stepDue } from './decide.js';
import type { FollowupConfig } from './followup-config.js';
import { followupEvent, stoppedEvent } from './followup-events.js';
import type { FollowupStore, StepRecord, TimerView } from './followup-store.js';
import { timeZoneOf } from './lead.js';
import { ruleSequence, type SequenceChoice } from './sequence-choice.js';
import { renderTemplate } from './templates.js';

/** One follow-up message to a channel's sender; `id` is the step's idempotency key. */
export interface FollowupMessage {
  id: string;
  customerId: string;
  channel: string;
  to: Record<string, string>;
  text: string;
  subject: string | null;
  /** E-mail: the signed one-click unsubscribe link (List-Unsubscribe). */
  unsubscribeUrl: string | null;
}

/** The way out to the customer: the channel senders (ingest/outbound) behind a port, wired in cli/. */
export interface FollowupDelivery {
  /** Channels with a sender. */
  channels(): ReadonlySet<string>;
  /** Sends once per `id` as far as the provider allows (its idempotency key); throws when it gives up. */
  send(m: FollowupMessage): Promise<{ provider_id: string }>;
}

export interface SchedulerOptions {
  store: FollowupStore;
  config: () => FollowupConfig;
  delivery: FollowupDelivery;
  clock: Clock;
  log: Logger;
  suppression: Suppression;
  publish(events: EventEnvelope[]): Promise<void>;
  /** Which sequence a rule starts for a customer (experiments plug in here); default the rule's. */
  chooseSequence?: SequenceChoice;
  /** Zone of quiet hours when a lead states none and its phone says none (KPI_TIME_ZONE). */
  defaultTimeZone: string;
  /** The e-mail unsubscribe link for a customer, or null without PUBLIC_BASE_URL. */
  unsubscribeUrl(customerId: string, channel: string): Promise<string | null>;
  /** How long a claim holds a timer (a scheduler that dies frees it after this), ms. */
  leaseMs?: number;
  /** Names this scheduler in claim tokens. */
  workerId: string;
  /** Test hooks: throwing here simulates a crash at that point (the lease is then left to run out). */
  faults?: { afterClaim?(customerId: string): void; afterSend?(customerId: string): void };
}

const MAX_PER_TICK = 200;

/**
 * Runs due follow-up timers: any number of schedulers (processes, workers)
 * may tick at once: each timer is claimed atomically with a lease, and only
 * the claim's holder moves it on. A step's message goes out under the
 * idempotency key `<customer>:<gen>:<step>`: a crash between claim and send
 * leaves it to the next holder (sent once); after the sender confirmed, a
 * marker in the store makes the next holder skip the send; only a crash in
 * the instant between the provider's answer and that marker sends again,
 * with the same key, which the provider dedups where it can (docs/follow-up.md).
 */
export class FollowupScheduler {
  private n = 0;
  constructor(private readonly o: SchedulerOptions) {}

  /** One pass over the due timers; returns how many this scheduler moved on. */
  async tick(): Promise<number> {
    const now = this.o.clock.now();
    let moved = 0;
    for (const [customerId] of await this.o.store.due(now, MAX_PER_TICK)) {
      const token = `${this.o.workerId}:${++this.n}`;
      const c = await this.o.store.claim(customerId, now, this.o.leaseMs ?? 30_000, token);
      if (c.status !== 'claimed') continue;
      try {
        this.o.faults?.afterClaim?.(customerId);
        const view = await this.o.store.read(customerId);
        if (c.state === 'pending' ? await this.start(customerId, token, view, now) : await this.step(customerId, token, view, now)) moved++;
      } catch (err) {
        // The lease runs out and the timer is taken again (by this scheduler or another).
        this.o.log.warn({ err, customer: customerId }, 'follow-up step failed; will retry after its lease');
      }
    }
    return moved;
  }

  private async start(customerId: string, token: string, view: TimerView, now: number): Promise<boolean> {
    const cfg = this.o.config();
    const lead = view.lead;
    const d = lead ? decideStart(cfg, lead, view.ran, now) : ({ kind: 'none' } as const);
    if (d.kind === 'none') return (await this.o.store.advance({ customerId, token, state: 'idle', step: 0, due: 0 })).status === 'advanced';
    if (d.kind === 'wait') return (await this.o.store.advance({ customerId, token, state: 'pending', step: 0, due: d.due })).status === 'advanced';
    const chosen = await (this.o.chooseSequence ?? ruleSequence)({ customerId, rule: d.rule, now });
    const seq = cfg.sequences.some((s) => s.id === chosen) ? chosen : d.rule.sequence;
    const due = stepDue(cfg, seq, 0, now) ?? now;
    const r = await this.o.store.advance({ customerId, token, state: 'active', step: 0, due, start: { seq, rule: d.rule.id, gen: view.gen + 1 } });
    // Debug, not info: one line per lead would flood the log (the demo's history starts hundreds at once); the
    // board's follow-up panel and the followup.* events are where starts are counted.
    if (r.status === 'advanced') this.o.log.debug({ customer: customerId, rule: d.rule.id, sequence: seq }, 'follow-up sequence started');
    return r.status === 'advanced';
  }

  private async step(customerId: string, token: string, view: TimerView, now: number): Promise<boolean> {
    const cfg = this.o.config();
    const { lead, sequenceId, gen, step } = view;
    const seq = sequenceId ?? '';
    const stop = async (reason: string) => {
      const r = await this.o.store.advance({ customerId, token, state: reason === 'completed' ? 'done' : 'stopped', step, due: 0, why: { reason, at: now } });
      if (r.status === 'advanced')
        await this.o.publish([stoppedEvent(customerId, lead?.customer ?? null, lead?.channel ?? 'web', { gen, seq, step, reason }, now)]);
      return r.status === 'advanced';
    };
    if (!lead) return stop('no_address');
    if (await this.o.suppression.isSuppressed(customerId)) return stop('erased');
    const tz = timeZoneOf(lead, this.o.defaultTimeZone);
    const sentAt = view.history.filter((h) => h.outcome === 'sent').map((h) => h.at);
    const d = decideStep(cfg, {
      seqId: seq,
      step,
      lead,
      optedOut: await this.o.store.optedOut(customerId),
      sentAt,
      tz,
      now,
      senders: this.o.delivery.channels(),
    });
    if (d.kind === 'done') return stop('completed');
    if (d.kind === 'defer') return (await this.o.store.advance({ customerId, token, state: 'active', step, due: d.due })).status === 'advanced';
    const key = `${customerId}:${gen}:${step}`;
    let record: StepRecord = { gen, step, sequence_id: seq, outcome: 'skipped', channel: null, template: d.template, at: now, key };
    if (d.kind === 'send') {
      let providerId = await this.o.store.sentMarker(key);
      if (providerId === null) {
        const unsubscribeUrl = d.channel === 'email' ? await this.o.unsubscribeUrl(customerId, 'email') : null;
        const msg = renderTemplate(cfg, d.template, lead.lang, { name: lead.name, intent: lead.intent, unsubscribeUrl, channel: d.channel });
        try {
          providerId = (await this.o.delivery.send({ id: key, customerId, channel: d.channel, to: d.to, text: msg.text, subject: msg.subject, unsubscribeUrl }))
            .provider_id;
        } catch (err) {
          // The sender retried what was transient; a refusal (e.g. WeChat's 48-hour window) ends this step, not the sequence.
          this.o.log.warn({ err, customer: customerId, channel: d.channel, step }, 'follow-up message not delivered; going on with the next step');
          record = { ...record, outcome: 'failed', channel: d.channel };
        }
        if (providerId !== null) await this.o.store.markSent(key, providerId);
        this.o.faults?.afterSend?.(customerId);
      }
      if (providerId !== null) record = { ...record, outcome: 'sent', channel: d.channel, provider_id: providerId };
    }
    if (record.outcome === 'sent') {
      // Published before the timer moves on: a crash in between publishes the same event id again (counted once).
      await this.o.publish([
        followupEvent(
          `sent:${key}`,
          'followup.sent',
          customerId,
          lead.customer,
          record.channel ?? lead.channel,
          { sequence_id: seq, step, template: d.template, rule_id: view.ruleId ?? '', provider_id: record.provider_id },
          now,
        ),
      ]);
    }
    const next = stepDue(cfg, seq, step + 1, now);
    const history = { field: `h:${gen}:${step}`, value: JSON.stringify(record) };
    if (next === null) {
      const r = await this.o.store.advance({ customerId, token, state: 'done', step: step + 1, due: 0, history, why: { reason: 'completed', at: now } });
      if (r.status === 'advanced')
        await this.o.publish([stoppedEvent(customerId, lead.customer, lead.channel, { gen, seq, step: step + 1, reason: 'completed' }, now)]);
      return r.status === 'advanced';
    }
    return (await this.o.store.advance({ customerId, token, state: 'active', step: step + 1, due: next, history })).status === 'advanced';
  }
}
