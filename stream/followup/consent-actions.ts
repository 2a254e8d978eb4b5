import type { CustomerInput, EventEnvelope } from '../../shared/envelope.js';
import { consentEvent, stoppedEvent } from './followup-events.js';
import type { FollowupStore } from './followup-store.js';

/**
 * What an opt-out does, wherever it comes from (a STOP word on any channel,
 * WeChat's unsubscribe event, the e-mail link, a consent.changed event from
 * another system): the channel's consent becomes opted_out (newest event time
 * wins) and a running sequence stops with reason `opted_out`. Returns the
 * events to publish: consent.changed when the consent changed, followup.stopped
 * when a sequence stopped. Idempotent: a repeat returns no events.
 */
export async function optOut(
  store: FollowupStore,
  o: { customerId: string; customer: CustomerInput | null; channel: string; at: number; source: string; now: number },
): Promise<EventEnvelope[]> {
  const out: EventEnvelope[] = [];
  if (await store.setConsent(o.customerId, o.channel, 'opted_out', o.at, o.source))
    out.push(consentEvent(o.customerId, o.customer, { channel: o.channel, state: 'opted_out', at: o.at, source: o.source }, o.now));
  const s = await store.stop(o.customerId, 'opted_out', o.now, 'active');
  if (s.stopped) out.push(stoppedEvent(o.customerId, o.customer, o.channel, { gen: s.gen, seq: s.seq, step: s.step, reason: 'opted_out' }, o.now));
  return out;
}

/** The customer opted back in on `channel` (START on SMS, or a consent.changed opted_in). */
export async function optIn(
  store: FollowupStore,
  o: { customerId: string; customer: CustomerInput | null; channel: string; at: number; source: string; now: number },
): Promise<EventEnvelope[]> {
  return (await store.setConsent(o.customerId, o.channel, 'opted_in', o.at, o.source))
    ? [consentEvent(o.customerId, o.customer, { channel: o.channel, state: 'opted_in', at: o.at, source: o.source }, o.now)]
    : [];
}

/** Stops a customer's sequence (or its pending start) for `reason`; the followup.stopped event, if one stopped. */
export async function stopSequence(
  store: FollowupStore,
  o: { customerId: string; reason: string; now: number; mode: 'active' | 'any'; by?: string },
): Promise<EventEnvelope[]> {
  const s = await store.stop(o.customerId, o.reason, o.now, o.mode);
  if (!s.stopped) return [];
  const lead = (await store.read(o.customerId)).lead;
  return [
    stoppedEvent(o.customerId, lead?.customer ?? null, lead?.channel ?? 'web', { gen: s.gen, seq: s.seq, step: s.step, reason: o.reason, by: o.by }, o.now),
  ];
}
