import type { EventEnvelope } from '../../shared/envelope.js';
import type { ConversationMeta } from './conversation-meta.js';

/** Outcomes an agent closes with (contract). */
export type Outcome = 'opportunity' | 'deal' | 'lost' | 'resolved';
export type AssignReason = 'route' | 'reroute' | 'transfer' | 'accept';

/**
 * A routing event as a normal envelope (producer `routing`), keyed by the
 * conversation's customer. Ids are deterministic per step (`asg:<id>:<n>`,
 * `close:<id>`, …), so publishing a step again after a failure is counted once
 * by the stream's dedup.
 */
export function routingEvent(
  eid: string,
  type: EventEnvelope['type'],
  id: string,
  agentId: string | null,
  m: ConversationMeta | null,
  properties: Record<string, unknown>,
  now: number,
): EventEnvelope {
  return {
    id: eid,
    producer: 'routing',
    type,
    channel: m?.channel ?? 'web',
    occurred_at: now,
    received_at: now,
    customer_key: m?.customerKey ?? `conv:${id}`,
    customer: m?.customer ?? { anonymous_id: `conv:${id}` },
    conversation_id: id,
    agent_id: agentId,
    properties,
  };
}

/** The dimensions every routing event carries for the KPI stream. */
export const dimensions = (m: ConversationMeta | null, group: string, team: string) => ({ group, team, tag: m?.tag ?? 'normal', source: m?.source ?? '' });

/** conversation.closed with its outcome, plus opportunity.created, deal.won (value) or deal.lost. */
export function closeEvents(
  id: string,
  agentId: string | null,
  m: ConversationMeta | null,
  dims: ReturnType<typeof dimensions>,
  outcome: Outcome,
  value: number,
  now: number,
): EventEnvelope[] {
  const evs = [routingEvent(`close:${id}`, 'conversation.closed', id, agentId, m, { ...dims, outcome }, now)];
  if (outcome === 'opportunity') evs.push(routingEvent(`opp:${id}`, 'opportunity.created', id, agentId, m, dims, now));
  if (outcome === 'deal') evs.push(routingEvent(`deal:${id}`, 'deal.won', id, agentId, m, { ...dims, value: Math.max(0, value) }, now));
  if (outcome === 'lost') evs.push(routingEvent(`lost:${id}`, 'deal.lost', id, agentId, m, dims, now));
  return evs;
}

/**
 * Properties of conversation.assigned. `first`: the conversation's first
 * assignment, the only one that ends the customer's wait (wait_ms, sla_met),
 * so KPIs count a wait once whatever transfers follow.
 */
export function assignedProps(o: {
  dims: ReturnType<typeof dimensions>;
  policy: string;
  reason: AssignReason;
  slaDueAt: number | null;
  transferFrom?: string;
  first: boolean;
  enqueuedAt: number;
  now: number;
}): Record<string, unknown> {
  return {
    ...o.dims,
    policy: o.policy,
    reason: o.reason,
    ...(o.slaDueAt !== null ? { sla_due_at: o.slaDueAt } : {}),
    ...(o.transferFrom ? { transfer_from: o.transferFrom } : {}),
    ...(o.first ? { wait_ms: Math.max(0, o.now - o.enqueuedAt), ...(o.slaDueAt !== null ? { sla_met: o.now <= o.slaDueAt } : {}) } : {}),
  };
}
