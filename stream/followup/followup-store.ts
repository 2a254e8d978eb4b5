import type { PersonalData } from '../../shared/privacy/personal-data.js';
import { randomBytes } from 'node:crypto';
import type { EventEnvelope } from '../../shared/envelope.js';
import { LRUCache } from 'lru-cache';
import type { StateStore } from '../../shared/ports/state-store.js';
import {
  advanceArgs,
  advanceScript,
  armScript,
  claimScript,
  consentKey,
  consentScript,
  DUE_KEY,
  eraseScript,
  hdelScript,
  stopScript,
  timerKey,
  type AdvanceArgs,
  type AdvanceResult,
  type ArmResult,
  type ClaimResult,
  type StopResult,
} from './followup-scripts.js';
import type { Lead } from './lead.js';

/** What one step did, as kept on the timer (and shown by GET /v1/customers/{id}/followups). */
export interface StepRecord {
  gen: number;
  step: number;
  sequence_id: string;
  /** sent; skipped (no address or consent on any of the step's channels); failed (the sender gave up). */
  outcome: 'sent' | 'skipped' | 'failed';
  channel: string | null;
  template: string;
  at: number;
  /** The step's idempotency key (also the outbound message id). */
  key: string;
  provider_id?: string;
}

/** A customer's follow-up timer as read back. */
export interface TimerView {
  state: 'pending' | 'active' | 'stopped' | 'done' | 'idle' | 'none';
  gen: number;
  sequenceId: string | null;
  ruleId: string | null;
  step: number;
  due: number | null;
  stop: { reason: string; at: number } | null;
  ran: string[];
  lead: Lead | null;
  history: StepRecord[];
}

export interface ConsentRecord {
  channel: string;
  state: 'opted_out' | 'opted_in';
  at: number;
  source: string;
}

const SENT_TTL_MS = 90 * 24 * 3600_000;
const OUTBOX_KEY = 'fu:outbox';
const RULES_KEY = 'fu:rules';
const SECRET_KEY = 'fu:secret';

/**
 * The follow-up state in the StateStore: timers (followup-scripts.ts), consent, the per-step sent markers, an
 * outbox of events written by processes without a bus (the API), and the rules set over the API.
 */
export class FollowupStore {
  /**
   * The sealed lead last read or written per customer: re-arming with the same addresses and name keeps it (seal's
   * `stored`: PersonalData checks it holds this very plaintext), so most events re-arm without an AES operation.
   * Sealed values only: nothing here opens without the customer's key.
   */
  private readonly sealedLeads = new LRUCache<string, string>({ max: 10_000 });

  /** `personal`: the lead's addresses and name, and outbox events, are stored sealed under the customer's key. */
  constructor(
    readonly state: StateStore,
    private readonly personal?: Pick<PersonalData, 'seal' | 'open' | 'sealEvents'>,
  ) {}

  async arm(customerId: string, due: number | null, lead: Lead): Promise<ArmResult> {
    const stored = this.personal
      ? {
          ...lead,
          customer: {},
          name: '',
          pd: await this.sealLead(customerId, lead),
        }
      : lead;
    return this.state.atomic(armScript, [timerKey(customerId), DUE_KEY], [customerId, due === null ? '' : String(Math.round(due)), JSON.stringify(stored)]);
  }

  private async sealLead(customerId: string, lead: Lead): Promise<string> {
    const pd = await this.personal!.seal(
      customerId,
      'followup.lead',
      JSON.stringify({ customer: lead.customer, name: lead.name }),
      this.sealedLeads.get(customerId),
    );
    this.sealedLeads.set(customerId, pd);
    return pd;
  }

  private async openLead(customerId: string, raw: string): Promise<Lead> {
    const { pd, ...lead } = JSON.parse(raw) as Lead & { pd?: string };
    if (pd === undefined || !this.personal) return lead;
    this.sealedLeads.set(customerId, pd);
    const text = await this.personal.open(customerId, 'followup.lead', pd);
    return text === null ? lead : { ...lead, ...(JSON.parse(text) as Pick<Lead, 'customer' | 'name'>) };
  }

  claim(customerId: string, now: number, leaseMs: number, token: string): Promise<ClaimResult> {
    return this.state.atomic(claimScript, [timerKey(customerId), DUE_KEY], [customerId, String(now), String(now + leaseMs), token]);
  }

  advance(a: AdvanceArgs): Promise<AdvanceResult> {
    return this.state.atomic(advanceScript, [timerKey(a.customerId), DUE_KEY], advanceArgs(a));
  }

  stop(customerId: string, reason: string, at: number, mode: 'active' | 'any'): Promise<StopResult> {
    return this.state.atomic(stopScript, [timerKey(customerId), DUE_KEY], [customerId, reason, String(at), mode]);
  }

  /**
   * Erasure: forgets the timer and the lead (addresses, history); consent stays. The privacy work calls this
   * beside marking the customer suppressed, so nothing is sent and nothing personal is left here.
   */
  erase(customerId: string): Promise<boolean> {
    this.sealedLeads.delete(customerId);
    return this.state.atomic(eraseScript, [timerKey(customerId), DUE_KEY], [customerId]);
  }

  /** Customers whose timer is due at `now`, earliest first. */
  async due(now: number, limit: number): Promise<Array<[string, number]>> {
    const all = await this.state.hgetall(DUE_KEY);
    return Object.entries(all)
      .map(([c, d]) => [c, Number(d)] as [string, number])
      .filter(([, d]) => d <= now)
      .sort((a, b) => a[1] - b[1])
      .slice(0, limit);
  }

  /** Number of live (pending or active) timers. */
  async liveCount(): Promise<number> {
    return Object.keys(await this.state.hgetall(DUE_KEY)).length;
  }

  async read(customerId: string): Promise<TimerView> {
    const h = await this.state.hgetall(timerKey(customerId));
    const st = (h.st ?? 'none') as TimerView['state'];
    const history: StepRecord[] = [];
    for (const [k, v] of Object.entries(h)) {
      if (!k.startsWith('h:')) continue;
      try {
        history.push(JSON.parse(v) as StepRecord);
      } catch {
        // a torn write cannot happen (scripts are atomic); an unreadable entry is left out rather than failing the view
      }
    }
    history.sort((a, b) => a.gen - b.gen || a.step - b.step);
    let lead: Lead | null;
    try {
      lead = h.lead ? await this.openLead(customerId, h.lead) : null;
    } catch {
      lead = null;
    }
    return {
      state: st,
      gen: Number(h.gen ?? 0),
      sequenceId: h.seq || null,
      ruleId: h.rule || null,
      step: Number(h.step ?? 0),
      due: st === 'pending' || st === 'active' ? Number(h.due ?? 0) : null,
      stop: h.why ? { reason: h.why, at: Number(h.at ?? 0) } : null,
      ran: (h.ran ?? '').split(',').filter(Boolean),
      lead,
      history,
    };
  }

  /** Records a consent change (newest event time wins); true when it changed. */
  setConsent(customerId: string, channel: string, state: ConsentRecord['state'], at: number, source: string): Promise<boolean> {
    return this.state.atomic(consentScript, [consentKey(customerId)], [channel, state, String(Math.round(at)), source.replace(/\|/g, '/')]);
  }

  async consent(customerId: string): Promise<ConsentRecord[]> {
    const h = await this.state.hgetall(consentKey(customerId));
    return Object.entries(h)
      .map(([channel, v]) => {
        const [state, at, source] = v.split('|');
        return { channel, state: state as ConsentRecord['state'], at: Number(at), source: source ?? '' };
      })
      .sort((a, b) => a.channel.localeCompare(b.channel));
  }

  /** Channels the customer opted out of. */
  async optedOut(customerId: string): Promise<Set<string>> {
    return new Set((await this.consent(customerId)).filter((c) => c.state === 'opted_out').map((c) => c.channel));
  }

  /** The provider id a step was sent with, once a sender confirmed it (the guard against sending a step twice). */
  sentMarker(key: string): Promise<string | null> {
    return this.state.get(`fu:sent:${key}`);
  }

  markSent(key: string, providerId: string): Promise<void> {
    return this.state.set(`fu:sent:${key}`, providerId, SENT_TTL_MS);
  }

  /** Queues events for the follow-up service to publish (from a process that may have no bus). Idempotent by id. */
  async toOutbox(plain: EventEnvelope[]): Promise<void> {
    const events = this.personal ? await this.personal.sealEvents(plain) : plain;
    if (events.length) await this.state.hset(OUTBOX_KEY, Object.fromEntries(events.map((e) => [`${e.producer}/${e.id}`, JSON.stringify(e)])));
  }

  async outbox(): Promise<Array<[string, EventEnvelope]>> {
    return Object.entries(await this.state.hgetall(OUTBOX_KEY)).map(([k, v]) => [k, JSON.parse(v) as EventEnvelope]);
  }

  /** Removes published outbox entries (the port has no HDEL of its own: one atomic step per key). */
  async outboxDone(keys: string[]): Promise<void> {
    for (const k of keys) await this.state.atomic(hdelScript, [OUTBOX_KEY], [k]);
  }

  /** Rules set over the API (JSON), or null: then the file's apply. */
  rulesOverride(): Promise<string | null> {
    return this.state.get(RULES_KEY);
  }

  setRulesOverride(json: string | null): Promise<unknown> {
    return json === null ? this.state.del([RULES_KEY]) : this.state.set(RULES_KEY, json);
  }

  /** The unsubscribe-link signing secret shared by every process (FOLLOWUP_SECRET, else one generated once into the store). */
  async secret(configured?: string): Promise<string> {
    if (configured) return configured;
    await this.state.setIfAbsent(SECRET_KEY, randomBytes(32).toString('base64url'));
    return (await this.state.get(SECRET_KEY))!;
  }
}
