import type { CustomerInput, EventEnvelope } from '../../shared/envelope.js';

/** Producer of follow-up events (followup.sent, followup.stopped, consent.changed). */
export const FOLLOWUP_PRODUCER = 'followup';

/**
 * A follow-up event as a normal envelope keyed by the customer. Ids are
 * deterministic per fact (`sent:<customer>:<gen>:<step>`, `stop:<customer>:<gen>`,
 * `consent:<customer>:<channel>:<at>:<state>`), so publishing one again after a
 * failure is counted once by the stream's dedup.
 */
export function followupEvent(
  id: string,
  type: 'followup.sent' | 'followup.stopped' | 'consent.changed',
  customerId: string,
  customer: CustomerInput | null,
  channel: string,
  properties: Record<string, unknown>,
  now: number,
): EventEnvelope {
  return {
    id,
    producer: FOLLOWUP_PRODUCER,
    type,
    channel,
    occurred_at: now,
    received_at: now,
    customer_key: customerId,
    customer: customer && Object.keys(customer).length ? customer : { external_id: customerId },
    conversation_id: null,
    agent_id: null,
    properties,
  };
}

export function stoppedEvent(
  customerId: string,
  customer: CustomerInput | null,
  channel: string,
  o: { gen: number; seq: string; step: number; reason: string; by?: string },
  now: number,
): EventEnvelope {
  return followupEvent(
    `stop:${customerId}:${o.gen}`,
    'followup.stopped',
    customerId,
    customer,
    channel,
    { sequence_id: o.seq || 'none', reason: o.reason, step: o.step, ...(o.by ? { by: o.by } : {}) },
    now,
  );
}

export function consentEvent(
  customerId: string,
  customer: CustomerInput | null,
  o: { channel: string; state: 'opted_out' | 'opted_in'; at: number; source: string },
  now: number,
): EventEnvelope {
  return followupEvent(
    `consent:${customerId}:${o.channel}:${o.at}:${o.state}`,
    'consent.changed',
    customerId,
    customer,
    o.channel,
    { consent_channel: o.channel, state: o.state, source: o.source },
    now,
  );
}
