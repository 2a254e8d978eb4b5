import type { Principal } from '../auth/roles.js';
import type { Ownership } from './ownership.js';
import { OmnilaneError } from '../../shared/errors.js';
import type { RoutingDesk } from '../../stream/routing/routing-desk.js';
import type { ConvState } from '../../stream/routing/queue-store.js';

/**
 * Row-level scoping of the console (contract): an agent sees its groups'
 * queues and what is offered to or held by itself; a manager sees its teams'
 * agents, their groups' queues and conversations; admin sees everything.
 */
export function visibleGroups(desk: RoutingDesk, p: Principal): Set<string> {
  if (p.role === 'admin') return new Set<string>(desk.groups());
  if (p.role === 'agent') return new Set(p.groups ?? []);
  const teams = new Set(p.teams ?? []);
  const out = new Set(p.groups ?? []);
  for (const a of desk.roster.agents) if (teams.has(a.team)) for (const g of a.groups) out.add(g);
  return out;
}

export function visibleAgents(desk: RoutingDesk, p: Principal): Set<string> {
  if (p.role === 'admin') return new Set(desk.roster.agents.map((a) => a.id));
  if (p.role === 'agent') return new Set(p.agentId ? [p.agentId] : []);
  const teams = new Set(p.teams ?? []);
  return new Set(desk.roster.agents.filter((a) => teams.has(a.team) || a.id === p.agentId).map((a) => a.id));
}

export function canSeeConversation(desk: RoutingDesk, p: Principal, cs: ConvState): boolean {
  if (p.role === 'admin') return true;
  if (cs.agent && (cs.status === 'offered' || cs.status === 'active' || cs.status === 'closed')) {
    if (cs.agent === p.agentId) return true;
    if (p.role === 'manager') return visibleAgents(desk, p).has(cs.agent);
    return false;
  }
  return visibleGroups(desk, p).has(cs.group);
}

/** The conversation's routing state when `p` may see it; 404 otherwise (no hint that it exists). */
export async function seeConversation(desk: RoutingDesk, p: Principal, id: string): Promise<ConvState> {
  const cs = await desk.store.conv(id);
  if (!cs || !canSeeConversation(desk, p, cs)) throw new OmnilaneError('API_ERR_NOT_FOUND', `conversation ${id} not found`);
  return cs;
}

/** The roster member an agent or manager acts as in the console (managers and admins without one: null). */
export function actingAgent(p: Principal): string | null {
  return p.role === 'agent' ? (p.agentId ?? null) : null;
}

/**
 * True when `p` may see customer `customerId` (row-level access by ownership): admins always; agents and
 * managers when the customer was ever assigned to them or (managers) to an agent of their teams (the warehouse's
 * conversation.assigned history), or a conversation of the customer is held by, offered to or recently closed by
 * them right now (the second before that event is in the warehouse). Queued conversations of their groups show
 * in the console's queue but do not open the customer's profile. Everyone else: no.
 */
export async function customerVisible(desk: RoutingDesk, ownership: Ownership | undefined, p: Principal, customerIds: string[]): Promise<boolean> {
  if (p.role === 'admin') return true;
  if (p.role !== 'agent' && p.role !== 'manager') return false;
  const agents = visibleAgents(desk, p);
  const wanted = new Set(customerIds);
  const ids = new Set<string>();
  for (const [id, [agent]] of Object.entries(await desk.store.open())) if (agents.has(agent)) ids.add(id);
  for (const id of await desk.recentClosed()) ids.add(id);
  const list = [...ids];
  const metas = await desk.meta.getMany(list);
  for (const [i, m] of metas.entries()) {
    if (!m || !wanted.has(m.customerKey)) continue;
    const cs = await desk.store.conv(list[i]);
    if (cs?.agent && agents.has(cs.agent)) return true;
  }
  if (!ownership) return false;
  return (await ownership.owned(agents, { customers: customerIds })).customers.size > 0;
}

/** The conversation ids among `ids` that `p` owns (admin: all; agents and managers: assigned to them or their teams). */
export async function ownedConversations(desk: RoutingDesk | undefined, ownership: Ownership | undefined, p: Principal, ids: string[]): Promise<Set<string>> {
  if (p.role === 'admin') return new Set(ids);
  if (!desk || (p.role !== 'agent' && p.role !== 'manager')) return new Set();
  const agents = visibleAgents(desk, p);
  const out = new Set<string>();
  for (const id of ids) {
    const cs = await desk.store.conv(id);
    if (cs?.agent && agents.has(cs.agent)) out.add(id);
  }
  const rest = ids.filter((id) => !out.has(id));
  if (ownership && rest.length > 0) for (const id of (await ownership.owned(agents, { conversations: rest })).conversations) out.add(id);
  return out;
}
