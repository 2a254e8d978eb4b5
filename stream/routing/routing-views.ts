import type { RoutingGaugeRow } from '../../shared/tables.js';
import type { RoutingDesk } from './routing-desk.js';
import { rateKey } from './routing-desk.js';
import { breachPredicted, predictedStart, ratePerMinute } from './sla-prediction.js';
import { enqueuedAtOf, sortKey } from './queue-keys.js';

export interface QueueItemView {
  conversation_id: string;
  customer_id: string;
  channel: string;
  tag: string;
  intent: string;
  priority: number;
  enqueued_at: number;
  sla_due_at: number | null;
  wait_ms: number;
  predicted_start_at: number | null;
  breach_predicted: boolean;
  escalated: boolean;
  preview: string;
}

export interface QueueView {
  group: string;
  policy: string;
  length: number;
  oldest_wait_ms: number;
  items: QueueItemView[];
}

/** Minutes of assignments the service rate averages over. */
const RATE_WINDOW_MIN = 10;

/** Free slots of the group's online agents (on the '*' or web slot) and its recent service rate. */
async function serviceOf(desk: RoutingDesk, group: string, now: number): Promise<{ freeSlots: number; ratePerMin: number }> {
  const agents = desk.roster.agents.filter((a) => a.groups.includes(group));
  const presence = await desk.presences(agents.map((a) => a.id));
  let free = 0;
  for (const [i, a] of agents.entries()) {
    if (presence[i] !== 'online') continue;
    const slot = desk.slotFor(a, 'web');
    free += Math.max(0, slot.capacity - (await desk.store.load(a.id, slot.loadCh)));
  }
  const minute = Math.floor(now / 60_000);
  const keys = Array.from({ length: RATE_WINDOW_MIN }, (_, i) => rateKey(group, minute - RATE_WINDOW_MIN + 1 + i));
  const counts = (await desk.o.state.getMany(keys)).map((v) => Number(v ?? 0));
  return { freeSlots: free, ratePerMin: ratePerMinute(counts, RATE_WINDOW_MIN) };
}

/** A queue with each item's predicted start and SLA breach flag (queue order). */
export async function queueView(desk: RoutingDesk, group: string, now: number, limit = 200): Promise<QueueView> {
  const entries = await desk.store.queue(group);
  const ids = entries.slice(0, limit).map((e) => e[1]);
  const [metas, svc, policy] = await Promise.all([desk.meta.getMany(ids), serviceOf(desk, group, now), desk.policyOf(group)]);
  const states = await Promise.all(ids.map((id) => desk.store.conv(id)));
  const items = ids.map((id, pos): QueueItemView => {
    const m = metas[pos];
    const cs = states[pos];
    const enq = cs?.enqueuedAt ?? now;
    const start = predictedStart(pos, { now, ...svc });
    const due = m?.slaDueAt ?? null;
    return {
      conversation_id: id,
      customer_id: m?.customerKey ?? '',
      channel: m?.channel ?? '',
      tag: m?.tag ?? 'normal',
      intent: m?.intent ?? 'other',
      priority: m?.priority ?? 0,
      enqueued_at: enq,
      sla_due_at: due,
      wait_ms: Math.max(0, now - enq),
      predicted_start_at: Number.isFinite(start) ? Math.round(start) : null,
      breach_predicted: breachPredicted(pos, due, { now, ...svc }),
      escalated: cs?.escalated ?? false,
      preview: m?.preview ?? '',
    };
  });
  const oldest = entries.reduce((mx, e) => Math.max(mx, now - enqueuedAtOf(e[0])), 0);
  return { group, policy, length: entries.length, oldest_wait_ms: Math.max(0, oldest), items };
}

/**
 * Escalates, once each, the queued conversations predicted to breach their
 * SLA: their priority rises by the roster's escalationBoost, which moves them
 * ahead of same-tag conversations in the queue (the order stays tag first).
 * Returns the ids escalated; logged once per pass (each id at debug).
 */
export async function escalateBreaches(desk: RoutingDesk, group: string, now: number): Promise<string[]> {
  const view = await queueView(desk, group, now);
  const out: string[] = [];
  for (const it of view.items) {
    if (!it.breach_predicted || it.escalated) continue;
    const m = await desk.meta.get(it.conversation_id);
    if (!m) continue;
    const priority = m.priority + desk.roster.escalationBoost;
    const key = sortKey({ tag: m.tag, priority, slaDueAt: m.slaDueAt, enqueuedAt: it.enqueued_at, id: it.conversation_id });
    if (await desk.store.escalate(it.conversation_id, group, key, priority)) {
      await desk.meta.put({ ...m, priority });
      desk.o.log.debug(
        { conversation: it.conversation_id, group, sla_due_at: it.sla_due_at, predicted_start_at: it.predicted_start_at },
        'SLA breach predicted; priority raised',
      );
      out.push(it.conversation_id);
    }
  }
  // One line per queue and pass at info (a busy queue escalates many at once); each conversation at debug.
  if (out.length > 0) desk.o.log.info({ group, escalated: out.length, conversations: out.slice(0, 5) }, 'SLA breaches predicted; priorities raised');
  return out;
}

/** A routing_gauges row (warehouse/kpi-rows.ts). */
export type GaugeRow = RoutingGaugeRow;

/** One routing_gauges sample: a row per queue and per agent, time rounded down to 10 s. */
export async function gaugeRows(desk: RoutingDesk, now: number): Promise<GaugeRow[]> {
  const at = Math.floor(now / 10_000) * 10_000;
  const rows: GaugeRow[] = [];
  for (const g of desk.groups()) {
    const q = await desk.store.queue(g);
    const oldest = q.reduce((mx, e) => Math.max(mx, now - enqueuedAtOf(e[0])), 0);
    rows.push({ sampled_at: at, kind: 'queue', name: g, team: '', size: q.length, capacity: 0, oldest_wait_ms: Math.max(0, oldest) });
  }
  const open = Object.values(await desk.store.open());
  for (const a of desk.roster.agents) {
    const capacity = Object.values(a.capacity).reduce((s, n) => s + n, 0);
    rows.push({ sampled_at: at, kind: 'agent', name: a.id, team: a.team, size: open.filter((o) => o[0] === a.id).length, capacity, oldest_wait_ms: 0 });
  }
  return rows;
}
