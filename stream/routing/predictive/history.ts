import type { ConversionFeatures, LabelledConversation } from './conversion-model.js';
import { jsonObject } from '../../../shared/json.js';

/** One row of the `routing_conversation_events` named query. */
export interface RoutingEventRow {
  customer_key: string;
  conversation_id: string | null;
  agent_id: string | null;
  type: string;
  channel: string;
  occurred_at_ms: number | string;
  properties: string | Record<string, unknown> | null;
}

/** A recorded conversation, folded from its events (what the replay and the model need). */
export interface RecordedConversation extends ConversionFeatures {
  id: string;
  customerKey: string;
  /** conversation.assigned: who served it, when, under which policy and group. */
  agentId: string | null;
  assignedAt: number | null;
  policy: string | null;
  group: string | null;
  closedAt: number | null;
  outcome: string | null;
  /** A deal.won of this conversation, or of its customer within the deal window after it started. */
  converted: 0 | 1;
  /** False when the deal window reaches past the data's end and no deal was seen yet (label unknown). */
  labelKnown: boolean;
}

export const DAY_MS = 86_400_000;

const parseProps = jsonObject;

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * Folds routing events (any order) into conversations. A conversation needs
 * its `conversation.started`; the first assignment and the last close count.
 * Past behaviour counts only what happened strictly before the start. `dataEnd`
 * (epoch ms) is where the loaded history stops: a conversation whose deal
 * window is still open there and has no deal yet gets `labelKnown: false`.
 */
export function foldConversations(rows: readonly RoutingEventRow[], dealWindowDays: number, dataEnd: number): RecordedConversation[] {
  const windowMs = dealWindowDays * DAY_MS;
  const events = rows
    .map((r) => ({ ...r, at: Number(r.occurred_at_ms), props: parseProps(r.properties) }))
    .sort((a, b) => a.at - b.at || (a.customer_key < b.customer_key ? -1 : a.customer_key > b.customer_key ? 1 : 0));
  const byId = new Map<string, RecordedConversation>();
  const dealsByCustomer = new Map<string, Array<{ at: number; conversation: string | null }>>();
  for (const e of events) {
    const id = e.conversation_id;
    if (e.type === 'deal.won') {
      const list = dealsByCustomer.get(e.customer_key) ?? [];
      list.push({ at: e.at, conversation: id });
      dealsByCustomer.set(e.customer_key, list);
      continue;
    }
    if (!id) continue;
    let c = byId.get(id);
    if (e.type === 'conversation.started') {
      if (c) continue;
      c = {
        id,
        customerKey: e.customer_key,
        tag: str(e.props.tag) ?? 'normal',
        channel: e.channel,
        intent: str(e.props.intent) ?? 'other',
        source: str(e.props.source) ?? '',
        at: e.at,
        priorConversations: 0,
        priorDeals: 0,
        agentId: null,
        assignedAt: null,
        policy: null,
        group: null,
        closedAt: null,
        outcome: null,
        converted: 0,
        labelKnown: true,
      };
      byId.set(id, c);
      continue;
    }
    if (!c) continue; // started before the loaded range: not replayable
    if (e.type === 'conversation.assigned' && c.assignedAt === null) {
      c.assignedAt = e.at;
      c.agentId = e.agent_id;
      c.policy = str(e.props.policy);
      c.group = str(e.props.group);
    } else if (e.type === 'conversation.closed') {
      c.closedAt = e.at;
      c.outcome = str(e.props.outcome);
      c.agentId ??= e.agent_id;
    }
  }
  const byCustomer = new Map<string, RecordedConversation[]>();
  for (const c of byId.values()) {
    const list = byCustomer.get(c.customerKey) ?? [];
    list.push(c);
    byCustomer.set(c.customerKey, list);
  }
  for (const [customer, convs] of byCustomer) {
    convs.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
    const deals = dealsByCustomer.get(customer) ?? [];
    convs.forEach((c, i) => {
      c.priorConversations = i;
      c.priorDeals = deals.filter((d) => d.at < c.at).length;
      const won = deals.some((d) => d.conversation === c.id || (d.at >= c.at && d.at < c.at + windowMs)) || c.outcome === 'deal';
      c.converted = won ? 1 : 0;
      c.labelKnown = won || c.at + windowMs <= dataEnd;
    });
  }
  return [...byId.values()].sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
}

/** The conversations with a known label, as model training rows. */
export function labelled(convs: readonly RecordedConversation[]): LabelledConversation[] {
  return convs.filter((c) => c.labelKnown);
}

/** One row of the `routing_agent_records` named query. */
export interface AgentRecordRow {
  agent_id: string;
  conversations: number | string;
  deals: number | string;
}

/** An agent's conversion record, smoothed toward the overall rate so a new agent is not ranked on two lucky deals. */
export interface AgentRecord {
  agentId: string;
  conversations: number;
  deals: number;
  /** (deals + k·overall) / (conversations + k). */
  smoothedRate: number;
  /** smoothedRate / overall rate: above 1 converts better than average. */
  factor: number;
}

/** Builds agent records; `priorStrength` is k, the pseudo-conversations at the overall rate. */
export function agentRecords(rows: readonly AgentRecordRow[], priorStrength = 20): Map<string, AgentRecord> {
  const parsed = rows.map((r) => ({ agentId: r.agent_id, conversations: Number(r.conversations), deals: Math.min(Number(r.deals), Number(r.conversations)) }));
  const totalConv = parsed.reduce((s, r) => s + r.conversations, 0);
  const overall = totalConv > 0 ? parsed.reduce((s, r) => s + r.deals, 0) / totalConv : 0;
  const out = new Map<string, AgentRecord>();
  for (const r of parsed) {
    const smoothedRate = (r.deals + priorStrength * overall) / (r.conversations + priorStrength);
    out.set(r.agentId, { ...r, smoothedRate, factor: overall > 0 ? smoothedRate / overall : 1 });
  }
  return out;
}
