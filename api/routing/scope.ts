import type { Principal } from '../auth/key-ring.js';
import { OmnilaneError } from '../../shared/errors.js';
import type { RoutingDesk } from '../../stream/routing/routing-desk.js';
import type { ConvState } from '../../stream/routing/queue-store.js';

/**
 * Row-level scoping of the console (contract): an agent sees its groups'
 * queues and what is offered to or held by itself; a manager sees its teams'
 * agents, their groups' queues and conversations; admin sees everything.
 */
export function visibleGroups(desk: RoutingDesk, p: Principal): Set<string> {
  if (p.role === 'admin') return new Set(desk.groups());
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

/** The acting agent of an agent key; managers and admins act for the holder (null). */
export function actingAgent(p: Principal): string | null {
  return p.role === 'agent' ? p.agentId ?? null : null;
}

/**
 * True when `p` may see customer `customerId`: admin and viewer-only keys
 * always (their role check already passed); agents and managers only for
 * customers of conversations they may see (queued in their groups, held by
 * them or their teams, or recently closed by them).
 */
export async function customerVisible(desk: RoutingDesk, p: Principal, customerId: string): Promise<boolean> {
  if (p.role !== 'agent' && p.role !== 'manager') return true;
  const agents = visibleAgents(desk, p);
  const ids = new Set<string>();
  for (const [id, [agent]] of Object.entries(await desk.store.open())) if (agents.has(agent)) ids.add(id);
  for (const g of visibleGroups(desk, p)) for (const [, id] of await desk.store.queue(g)) ids.add(id);
  for (const id of await desk.recentClosed()) ids.add(id);
  const list = [...ids];
  const metas = await desk.meta.getMany(list);
  for (const [i, m] of metas.entries()) {
    if (m?.customerKey !== customerId) continue;
    const cs = await desk.store.conv(list[i]);
    if (cs && canSeeConversation(desk, p, cs)) return true;
  }
  return false;
}
