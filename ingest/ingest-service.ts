import type { Clock } from '../shared/clock.js';
import { validateEvent, type EventEnvelope } from '../shared/envelope.js';
import { OmnilaneError, isOmnilaneError, type ErrorCode } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { MetricsRegistry } from '../shared/metrics.js';
import type { OutageLog } from '../shared/outage-log.js';
import { sealDeadLetter, type PersonalData } from '../shared/privacy/personal-data.js';
import type { EventBus } from '../shared/ports/event-bus.js';
import type { StateStore } from '../shared/ports/state-store.js';
import { TOPICS } from '../shared/topics.js';
import { CLAIM, claimIdsScript } from './dedup-scripts.js';
import { customerDimsCall, customerDimsScript, stampDimensions } from './customer-dims.js';
import { assignConversations } from './open-conversations.js';
import { closedConversationKey } from '../stream/sessions/open-conversation.js';
import { cutText, RejectedQuota, type RejectedQuotaOptions, type RejectedQuotaStats } from './rejected-quota.js';

export const MAX_EVENTS_PER_REQUEST = 1000;
const PENDING_TTL_MS = 60_000;
const MAX_KEPT_PAYLOAD = 64 * 1024;

export interface Rejection {
  index: number;
  code: ErrorCode;
  message: string;
}

export interface IngestReply {
  accepted: number;
  duplicates: number;
  rejected: Rejection[];
}

export interface IngestServiceOptions {
  bus: EventBus;
  state: StateStore;
  clock: Clock;
  log: Logger;
  dedupTtlMs: number;
  /** Resolves each event's customer to a customer id (the bus key); absent keeps customerKey(). */
  identity?: { resolve(events: EventEnvelope[]): Promise<EventEnvelope[]> };
  /** Seals each event's personal fields under its customer's data key before the bus sees it (docs/privacy.md). */
  personal?: Pick<PersonalData, 'sealEvents' | 'seal'>;
  /**
   * ERASURE_POLICY=drop: which events carry an identifier of an erased person (docs/privacy.md, "Erasure"); those are
   * refused with ING_ERR_ERASED and, unlike other refusals, not kept (their payload is the erased person's data).
   */
  erased?: (events: EventEnvelope[]) => Promise<boolean[]>;
  /** How long a customer's remembered source and tag live after their last mention, ms; absent: no stamping. */
  dimensionsTtlMs?: number;
  /**
   * SESSION_EXPIRY_MIN in ms: how long a channel conversation stays open after
   * the customer's last message. Absent: messages keep the conversation they
   * came with (none for SMS, WhatsApp, WeChat) and closes set no marker.
   */
  conversationExpiryMs?: number;
  /** Caps on refused webhook payloads kept (per source per minute, bytes each, bytes per minute); defaults below. */
  rejectedQuota?: Partial<RejectedQuotaOptions>;
  /** Counts events by outcome and failures by engine (omnilane_ingest_*); absent: nothing recorded. */
  metrics?: MetricsRegistry;
  /** Rate-limited error log for engine outages; absent: one error line per failed request. */
  outages?: OutageLog;
}

/** Refused-payload caps unless configured (REJECTED_KEEP_* in docs/operations.md). */
export const DEFAULT_REJECTED_QUOTA: RejectedQuotaOptions = {
  perSource: 20,
  unsignedBytes: 2048,
  signedBytes: MAX_KEPT_PAYLOAD,
  bytesPerWindow: 4 * 1024 * 1024,
};

export interface IngestOptions {
  /**
   * The producer's messages carry no conversation (SMS, WhatsApp, Messenger,
   * WeChat webhooks): each joins the customer's open conversation on its
   * channel or opens one with a `conversation.started` before it.
   */
  assignConversations?: boolean;
}

const dedupKey = (producer: string, id: string) => `dedup:${producer}:${id}`;

/**
 * The public event API's core: validates each event by itself, answers
 * duplicates, publishes the rest keyed by customer and acknowledges only after
 * the bus has them. Rejected events are published to the rejected topic so
 * they are kept for inspection. Throws only when the state store fails
 * (ING_ERR_STATE_UNAVAILABLE: nothing was published) or the bus does not
 * acknowledge in time (ING_ERR_BUS_UNAVAILABLE: some events may be stored
 * anyway; the client's retry with the same ids counts them once); then nothing
 * of the request is acknowledged.
 */
export class IngestService {
  private readonly quota: RejectedQuota;
  constructor(private readonly o: IngestServiceOptions) {
    this.quota = new RejectedQuota({ ...DEFAULT_REJECTED_QUOTA, ...o.rejectedQuota });
  }

  /** Refused webhook payloads kept, truncated and dropped (not stored) since start: the disk-safety counters. */
  rejectedStats(): RejectedQuotaStats {
    return this.quota.stats;
  }

  private count(result: 'accepted' | 'duplicate' | 'rejected', n: number): void {
    if (n > 0)
      this.o.metrics
        ?.counter('omnilane_ingest_events_total', 'Events answered by POST /v1/events and channel webhooks, by result (duplicate: dedup hit at ingest).')
        .inc({ result }, n);
  }

  /** Logs (rate-limited) and converts an engine failure into the client's 503 code for that engine. */
  private unavailable(engine: 'bus' | 'state', err: unknown, fields: Record<string, unknown>): OmnilaneError {
    this.o.metrics
      ?.counter('omnilane_ingest_unavailable_total', 'Ingest requests answered 503 because an engine failed, by engine (bus, state).')
      .inc({ engine });
    // The adapters already report their own engine errors to the outage log; only foreign errors are logged here.
    if (!isOmnilaneError(err) || !/UNAVAILABLE|CLOSED/.test(err.code)) {
      if (this.o.outages) this.o.outages.error(engine, err, 'ingest failed', fields);
      else this.o.log.error({ err, ...fields }, 'ingest failed');
    }
    const detail = String((err as Error | null)?.message ?? err)
      .split('\n')[0]
      .slice(0, 300);
    return engine === 'bus'
      ? new OmnilaneError('ING_ERR_BUS_UNAVAILABLE', `the event bus did not acknowledge the events (${detail}); retry with the same ids`, { cause: err })
      : new OmnilaneError('ING_ERR_STATE_UNAVAILABLE', `the state store did not answer (${detail}); nothing was published; retry with the same ids`, {
          cause: err,
        });
  }

  async ingest(producer: string, body: unknown, opts: IngestOptions = {}): Promise<IngestReply> {
    const events = (body as { events?: unknown } | null)?.events;
    if (typeof body !== 'object' || body === null || Array.isArray(body) || !Array.isArray(events)) {
      throw new OmnilaneError('ING_ERR_BAD_BATCH', 'body must be {"events":[...]}');
    }
    if (events.length === 0 || events.length > MAX_EVENTS_PER_REQUEST) {
      throw new OmnilaneError('ING_ERR_BAD_BATCH', `events must hold 1 to ${MAX_EVENTS_PER_REQUEST} items, got ${events.length}`);
    }
    const now = this.o.clock.now();
    const rejected: Rejection[] = [];
    const valid: EventEnvelope[] = [];
    const inRequest = new Set<string>();
    const validIndex: number[] = [];
    let duplicates = 0;
    events.forEach((input, index) => {
      const r = validateEvent(input, producer, now);
      if (!r.ok) {
        rejected.push({ index, code: r.code, message: r.message });
        return;
      }
      if (inRequest.has(r.event.id)) {
        duplicates++;
        return;
      }
      inRequest.add(r.event.id);
      valid.push(r.event);
      validIndex.push(index);
    });

    const erased: Rejection[] = [];
    if (this.o.erased && valid.length > 0) {
      const kept: EventEnvelope[] = [];
      let flags: boolean[];
      try {
        flags = await this.o.erased(valid);
      } catch (err) {
        throw this.unavailable('state', err, { producer, events: events.length });
      }
      valid.forEach((e, i) => {
        if (flags[i]) erased.push({ index: validIndex[i], code: 'ING_ERR_ERASED', message: 'the customer of this event was erased (ERASURE_POLICY=drop)' });
        else kept.push(e);
      });
      valid.splice(0, valid.length, ...kept);
    }

    let toPublish: EventEnvelope[] = [];
    let claimed: EventEnvelope[] = [];
    let started = 0;
    const keys = valid.map((e) => dedupKey(producer, e.id));
    try {
      if (valid.length > 0) {
        const claims = await this.o.state.atomic(claimIdsScript, keys, [String(PENDING_TTL_MS)]);
        toPublish = claimed = valid.filter((_e, i) => claims[i] !== CLAIM.duplicate);
        duplicates += valid.length - toPublish.length;
        if (this.o.identity && toPublish.length > 0) toPublish = await this.o.identity.resolve(toPublish);
        const expiryMs = this.o.conversationExpiryMs;
        // After identity (the record is per resolved customer), before dimensions (a start gets the tag too).
        if (opts.assignConversations && expiryMs && toPublish.length > 0) {
          const sent = toPublish.length;
          toPublish = await assignConversations(this.o.state, expiryMs, toPublish);
          started = toPublish.length - sent;
        }
        if (this.o.dimensionsTtlMs && toPublish.length > 0) {
          const { keys: dimKeys, args } = customerDimsCall(toPublish, this.o.dimensionsTtlMs);
          toPublish = stampDimensions(toPublish, await this.o.state.atomic(customerDimsScript, dimKeys, args));
        }
        // Last: every step above reads plain values; the data keys live in the state store too.
        if (this.o.personal && toPublish.length > 0) toPublish = await this.o.personal.sealEvents(toPublish);
      }
    } catch (err) {
      // Release only this request's own claims (never the done markers of ids another request published).
      await this.o.state.del(claimed.map((e) => dedupKey(producer, e.id))).catch(() => undefined);
      throw this.unavailable('state', err, { producer, events: events.length });
    }
    try {
      const publishes: Array<Promise<void>> = [];
      if (toPublish.length > 0) {
        publishes.push(
          this.o.bus.publish(
            TOPICS.events,
            toPublish.map((e) => ({ key: e.customer_key, value: JSON.stringify(e) })),
          ),
        );
      }
      if (rejected.length > 0) publishes.push(this.keepRejected(producer, events, rejected, now));
      await Promise.all(publishes);
    } catch (err) {
      // The claims go, so the client's retry is published again; an event the bus stored anyway (a publish that
      // timed out here but landed later) is then on the bus twice and counted once by the stream's id dedup.
      await this.o.state.del(toPublish.map((e) => dedupKey(producer, e.id))).catch(() => undefined);
      throw this.unavailable('bus', err, { producer, events: events.length });
    }
    if (toPublish.length > 0) {
      // Published: a failure to mark the ids done only lets a retry publish them again (counted once downstream).
      await this.o.state
        .setMany([...toPublish.map((e) => ({ key: dedupKey(producer, e.id), value: 'done', ttlMs: this.o.dedupTtlMs })), ...this.closedMarkers(toPublish)])
        .catch((err: unknown) => {
          throw this.unavailable('state', err, { producer, events: events.length, published: toPublish.length });
        });
    }
    this.count('accepted', toPublish.length - started);
    this.count('duplicate', duplicates);
    this.count('rejected', rejected.length + erased.length);
    // The starts ingest added are not the producer's: the reply counts what it sent.
    return { accepted: toPublish.length - started, duplicates, rejected: [...rejected, ...erased].sort((a, b) => a.index - b.index) };
  }

  /** A close that came through ingest (a CRM, the voice channel) ends the open channel conversation at once. */
  private closedMarkers(events: EventEnvelope[]): Array<{ key: string; value: string; ttlMs: number }> {
    const ttlMs = this.o.conversationExpiryMs;
    if (!ttlMs) return [];
    return events
      .filter((e) => e.type === 'conversation.closed' && e.conversation_id)
      .map((e) => ({ key: closedConversationKey(e.conversation_id!), value: '1', ttlMs: ttlMs + 60_000 }));
  }

  /**
   * Keeps a whole payload a channel webhook refused (bad signature, bad
   * format) on the rejected topic, so it lands in dead_letters for inspection
   * and replay. `source` names the channel (e.g. `whatsapp`); the ref is
   * `channel:<source>/<ref>`. Throws ING_ERR_BUS_UNAVAILABLE when the bus fails.
   * `from` (the sender's address) scopes the quota: per source and minute only a few payloads are
   * kept, an unsigned one only in its first bytes; the rest is counted in rejectedStats(), not stored.
   */
  async keepRejectedPayload(source: string, r: { ref: string; code: ErrorCode; reason: string; payload: string }, from = 'unknown'): Promise<void> {
    const now = this.o.clock.now();
    const decision = this.quota.decide(`${source}|${from}`, r.payload, r.code !== 'ING_ERR_BAD_SIGNATURE', now);
    if (!decision.keep) return;
    const value = JSON.stringify({
      ref: `channel:${source}/${r.ref}`,
      source,
      code: r.code,
      reason: r.reason,
      payload: await sealDeadLetter(this.o.personal, decision.payload, now),
      truncated: decision.truncated || undefined,
      bytes: r.payload.length,
      at: now,
    });
    try {
      await this.o.bus.publish(TOPICS.rejected, [{ key: `channel:${source}`, value }]);
    } catch (err) {
      throw this.unavailable('bus', err, { source });
    }
  }

  private async keepRejected(producer: string, events: unknown[], rejected: Rejection[], now: number): Promise<void> {
    const records = [];
    for (const r of rejected) {
      const payload = keptText(events[r.index]);
      const id = (events[r.index] as { id?: unknown } | null)?.id;
      records.push({
        key: producer,
        value: JSON.stringify({
          ref: `${producer}/${typeof id === 'string' ? id : `#${now}-${r.index}`}`,
          code: r.code,
          reason: r.message,
          payload: await sealDeadLetter(this.o.personal, cutText(payload, MAX_KEPT_PAYLOAD), now),
          at: now,
        }),
      });
    }
    return this.o.bus.publish(TOPICS.rejected, records);
  }
}

/**
 * The refused event as text for dead_letters. An event refused for its depth could overflow
 * JSON.stringify's recursion, so that failure keeps a note instead of failing its siblings.
 */
function keptText(event: unknown): string {
  try {
    return JSON.stringify(event) ?? 'null';
  } catch {
    return '"(not kept: the event could not be encoded, e.g. nested too deep)"';
  }
}
