import type { PersonalData } from '../../shared/privacy/personal-data.js';
import { EventEmitter } from 'node:events';
import type { Clock } from '../../shared/clock.js';
import type { EventEnvelope } from '../../shared/envelope.js';
import { OmnilaneError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { EventBus } from '../../shared/ports/event-bus.js';
import type { StateStore } from '../../shared/ports/state-store.js';
import type { Rng } from '../../shared/random.js';
import { closedConversationKey } from '../sessions/open-conversation.js';
import { TOPICS } from '../../shared/topics.js';
import { MetaStore, type ConversationMeta } from './conversation-meta.js';
import { candidateFor, type Conversation, type Presence } from './model.js';
import { route, type PolicyRegistry, type PolicyState } from './policies.js';
import { policyKey, presenceKey, agentLoadKey } from './queue-keys.js';
import { QueueStore, type ConvState, type SlotCandidate } from './queue-store.js';
import { POLICY_NAMES, type Roster, type RosterAgent } from './roster.js';
import { groupFor } from './triage.js';
import { assignedProps, closeEvents, dimensions, routingEvent, type AssignReason, type Outcome } from './routing-events.js';

export type { Outcome } from './routing-events.js';

export type ConsoleEvent =
  | { type: 'queue'; group: string }
  | { type: 'offer'; conversation_id: string; agent_id: string; accept_by: number; group: string }
  | { type: 'assigned'; conversation_id: string; agent_id: string; group: string }
  | { type: 'message'; conversation_id: string; at: number; direction: 'in' | 'out'; channel: string; text: string; agent_id: string | null }
  | { type: 'closed'; conversation_id: string; agent_id: string | null; group: string };

export interface RoutingDeskOptions {
  state: StateStore;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  roster: Roster;
  registry: PolicyRegistry;
  rng: Rng;
  /** TTL of routing state and meta, ms. */
  ttlMs: number;
  /** Presence of an agent who never set one. */
  defaultPresence?: Presence;
  /** Seals what the desk stores and publishes (conversation meta, replies) under the customer's key (docs/privacy.md). */
  personal?: Pick<PersonalData, 'seal' | 'open' | 'sealEvents'>;
  /**
   * The experiment hook (stream/experiments): a customer in a running `routing_policy` experiment is ranked by
   * their variant's `config.policy` instead of the queue's (docs/experiments.md). Absent: the queue's policy.
   */
  experiments?: {
    variantFor(
      target: 'routing_policy',
      customerKey: string,
      ctx: { channel: string; conversation_id?: string | null },
    ): Promise<{ config: Record<string, unknown> } | null>;
  };
}

const RR_KEY = 'rt:rr';
export const rateKey = (group: string, minute: number) => `rt:rate:${group}:${minute}`;
const CLOSED_KEY = 'rt:closed';
const KEEP_CLOSED = 100;
const firstKey = (id: string) => `rt:first:${id}`;
/** Queued conversations a dispatch pass looks at per group (the head; the rest wait their turn). */
const DISPATCH_WINDOW = 25;

const conflict = (msg: string) => new OmnilaneError('ROUTE_ERR_CONFLICT', msg);
const headSort = (c: ConvState) => `0${c.sort.slice(1)}`;

/**
 * The routing desk: every routing decision and agent action, over the
 * StateStore scripts. Shared by the stream-side RoutingService (intake,
 * dispatch, timers) and the console API (accept, transfer, close,
 * presence). Publishes conversation.assigned/closed and outcome events to
 * the events topic with deterministic ids, so a retried step is counted once.
 * Emits 'console' (ConsoleEvent) for the live console feed of this process.
 */
export class RoutingDesk extends EventEmitter {
  readonly store: QueueStore;
  readonly meta: MetaStore;
  private readonly byId: Map<string, RosterAgent>;

  constructor(readonly o: RoutingDeskOptions) {
    super();
    this.setMaxListeners(1000);
    this.store = new QueueStore(o.state, o.ttlMs);
    this.meta = new MetaStore(o.state, o.ttlMs, o.personal);
    this.byId = new Map(o.roster.agents.map((a) => [a.id, a]));
  }

  get roster(): Roster {
    return this.o.roster;
  }
  agent(id: string): RosterAgent | undefined {
    return this.byId.get(id);
  }
  groups(): string[] {
    return this.o.roster.queues.map((q) => q.group);
  }
  private emitConsole(e: ConsoleEvent): void {
    this.emit('console', e);
  }

  async policyOf(group: string): Promise<string> {
    return (await this.o.state.get(policyKey(group))) ?? this.o.roster.queues.find((q) => q.group === group)?.policy ?? 'least_loaded';
  }
  /** The policy a conversation is ranked by: its customer's experiment variant when one names a known policy. */
  private async experimentPolicy(customerKey: string | undefined, channel: string, conversationId: string, fallback: string): Promise<string> {
    if (!this.o.experiments || !customerKey) return fallback;
    try {
      const p = (await this.o.experiments.variantFor('routing_policy', customerKey, { channel, conversation_id: conversationId }))?.config.policy;
      return typeof p === 'string' && this.o.registry.has(p) ? p : fallback;
    } catch (err) {
      // An experiment must never stop routing: rank by the queue's policy and try the hook again next pass.
      this.o.log.warn({ err, conversation_id: conversationId }, 'experiment hook failed; using the queue policy');
      return fallback;
    }
  }

  async setPolicy(group: string, policy: string): Promise<void> {
    if (!(POLICY_NAMES as readonly string[]).includes(policy))
      throw new OmnilaneError('ROUTE_ERR_UNKNOWN_POLICY', `unknown policy "${policy}"; use one of ${POLICY_NAMES.join(', ')}`);
    if (!this.groups().includes(group)) throw new OmnilaneError('API_ERR_NOT_FOUND', `no queue for group ${group}`);
    await this.o.state.set(policyKey(group), policy);
  }

  async presences(ids: string[]): Promise<Presence[]> {
    const raw = ids.length ? await this.o.state.getMany(ids.map(presenceKey)) : [];
    return raw.map((p) => this.presenceOf(p));
  }
  private presenceOf(stored: string | null): Presence {
    return (stored as Presence | null) ?? this.o.defaultPresence ?? 'offline';
  }
  /** Sets presence; online dispatches the agent's groups, away/offline hands its pending offers back to the queue. */
  async setPresence(agentId: string, presence: Presence): Promise<void> {
    const a = this.agent(agentId);
    if (!a) throw new OmnilaneError('API_ERR_NOT_FOUND', `no agent ${agentId} in the roster`);
    await this.o.state.set(presenceKey(agentId), presence);
    if (presence !== 'online') {
      const open = await this.store.open();
      for (const [id, [agent, status]] of Object.entries(open)) {
        if (agent === agentId && status === 'offered') await this.store.requeue(id, this.o.clock.now(), headSort, true);
      }
    }
    for (const g of a.groups) await this.dispatch(g);
  }

  /**
   * The FAQ bot learned the intent (a clarifying answer): record it as the conversation's intent and, while
   * the conversation still waits in its queue (no agent holds it), move it to the group the roster gives that
   * intent (rules such as VIP apply), keeping its place by wait and SLA, then dispatch there. A conversation
   * an agent already holds only gets the new intent. Returns the group it waits in, or null when not queued.
   */
  async regroupForIntent(id: string, intent: string): Promise<string | null> {
    const [cs, m] = await Promise.all([this.store.conv(id), this.meta.get(id)]);
    if (m) await this.meta.put({ ...m, intent, ...(m.handoff ? { handoff: { ...m.handoff, intent } } : {}) });
    if (!cs || cs.status !== 'queued') return null;
    const group = groupFor(this.o.roster, {
      id,
      tag: m?.tag ?? 'normal',
      channel: m?.channel ?? '',
      intent,
      priority: m?.priority ?? 0,
      enqueuedAt: cs.enqueuedAt,
    });
    const r = await this.store.regroup(id, cs.group, group);
    if (r.status === 'not_queued') return null;
    if (r.status === 'moved') {
      this.o.log.info({ conversation: id, from: cs.group, group, intent }, 'moved to the group of the clarified intent');
      this.emitConsole({ type: 'queue', group: cs.group });
      this.emitConsole({ type: 'queue', group });
    }
    await this.dispatch(group);
    return group;
  }

  /** The capacity slot an agent would use for a channel: the channel's own, else '*'. */
  slotFor(a: RosterAgent, channel: string): SlotCandidate {
    if (a.capacity[channel] !== undefined) return { agentId: a.id, capacity: a.capacity[channel], loadCh: channel };
    return { agentId: a.id, capacity: a.capacity['*'] ?? 0, loadCh: '*' };
  }

  /**
   * Offers the head of a group's queue to agents, in queue order, with the
   * policy the group names now. Returns how many offers were made. Safe to
   * run from many workers at once: the offer script takes a conversation
   * only while it is still queued and an agent only while under capacity.
   */
  async dispatch(group: string): Promise<number> {
    const agents = this.o.roster.agents.filter((a) => a.groups.includes(group));
    if (agents.length === 0) return 0;
    // One load snapshot per pass, kept current with our own offers; the offer script re-checks capacity.
    const snapshot = new Map<string, number>();
    const presence = await this.roomSnapshot(agents, snapshot);
    if (!presence) return 0;
    const queue = await this.store.queue(group);
    if (queue.length === 0) return 0;
    const now = this.o.clock.now();
    const policy = await this.policyOf(group);
    const head = queue.slice(0, DISPATCH_WINDOW).map((e) => e[1]);
    const metas = await this.meta.getMany(head);
    let rr = JSON.parse((await this.o.state.get(RR_KEY)) ?? '{}') as PolicyState;
    let offers = 0;
    for (const [i, id] of head.entries()) {
      const m = metas[i];
      const channel = m?.channel ?? 'web';
      const slots = agents.map((a) => this.slotFor(a, channel));
      const keys = slots.map((s) => agentLoadKey(s.agentId, s.loadCh));
      const missing = keys.filter((k) => !snapshot.has(k));
      if (missing.length) (await this.o.state.getMany(missing)).forEach((v, j) => snapshot.set(missing[j], Number(v ?? 0)));
      const loads = keys.map((k) => snapshot.get(k)!);
      if (slots.every((s, j) => presence[j] !== 'online' || loads[j] >= s.capacity)) continue; // nobody has room on this channel; another channel may
      const cs = await this.store.conv(id);
      if (!cs || cs.status !== 'queued') continue;
      // `source` rides along for policies that use it (predictive features); the model type does not name it.
      const conv: Conversation & { source?: string } = {
        id,
        source: m?.source,
        tag: m?.tag ?? 'normal',
        channel,
        intent: m?.intent ?? 'other',
        priority: m?.priority ?? 0,
        slaDueAt: m?.slaDueAt ?? undefined,
        enqueuedAt: cs.enqueuedAt,
        previousAgentId: m?.previousAgentId,
      };
      let cands = agents.map((a, j) => ({ ...candidateFor({ ...a, presence: presence[j], capacity: { [channel]: slots[j].capacity } }, channel, loads[j]) }));
      // An offer that timed out goes to someone else when anyone else can take it.
      const fresh = cands.filter((c) => !cs.declined.includes(c.agent.id));
      if (fresh.some((c) => c.agent.presence === 'online' && c.open < c.capacity)) cands = fresh;
      const convPolicy = await this.experimentPolicy(m?.customerKey, channel, id, policy);
      let decision = route(this.o.registry, { [group]: convPolicy }, { conversation: conv, candidates: cands, rng: this.o.rng, state: rr, queue: group }, now);
      if (!decision.ok) {
        this.o.log.warn({ group, policy }, 'queue names an unavailable policy; ranking least_loaded');
        decision = route(this.o.registry, {}, { conversation: conv, candidates: cands, rng: this.o.rng, state: rr, queue: group }, now);
        if (!decision.ok) continue;
      }
      rr = decision.state;
      const ranked = decision.ranked.map((aid) => slots[agents.findIndex((a) => a.id === aid)]);
      const acceptBy = now + this.o.roster.acceptTimeoutMs;
      const r = await this.store.offer(id, group, ranked, now, acceptBy, 'offered');
      if (r.status === 'offered' || r.status === 'active') {
        snapshot.set(agentLoadKey(r.agentId, ranked.find((c) => c.agentId === r.agentId)!.loadCh), r.load);
        offers++;
        this.emitConsole({ type: 'offer', conversation_id: id, agent_id: r.agentId, accept_by: acceptBy, group });
      } else if (r.status === 'no_capacity') {
        for (const c of ranked) snapshot.delete(agentLoadKey(c.agentId, c.loadCh)); // stale: read again
      }
    }
    await this.o.state.set(RR_KEY, JSON.stringify(rr));
    if (offers > 0) this.emitConsole({ type: 'queue', group });
    return offers;
  }

  /**
   * The agents' presence, and their load on every capacity slot into `snapshot` (one read); null when nobody
   * online has room on any channel. Then the queue cannot move and is not read: reading it costs its length,
   * and a queue is longest exactly when every agent is full.
   */
  private async roomSnapshot(agents: RosterAgent[], snapshot: Map<string, number>): Promise<Presence[] | null> {
    const slots = agents.flatMap((a) => Object.entries(a.capacity).map(([ch, capacity]) => ({ key: agentLoadKey(a.id, ch), capacity })));
    const raw = await this.o.state.getMany([...agents.map((a) => presenceKey(a.id)), ...slots.map((s) => s.key)]);
    const presence = raw.slice(0, agents.length).map((p) => this.presenceOf(p));
    slots.forEach((s, i) => snapshot.set(s.key, Number(raw[agents.length + i] ?? 0)));
    let k = 0;
    const room = agents.some((a, j) => {
      const n = Object.keys(a.capacity).length;
      const mine = slots.slice(k, (k += n));
      return presence[j] === 'online' && mine.some((s) => snapshot.get(s.key)! < s.capacity);
    });
    return room ? presence : null;
  }

  /** Conversation directory for agent replies: the customer's channel and address from the routing meta. */
  async lookup(id: string): Promise<{ id: string; channel: string; customer: ConversationMeta['customer']; to: Record<string, string> } | null> {
    const m = await this.meta.get(id);
    if (!m) return null;
    const to: Record<string, string> = { ...(m.customer.channel_ids ?? {}) };
    if (m.customer.phone) to.phone = m.customer.phone;
    if (m.customer.email) to.email = m.customer.email;
    return { id, channel: m.channel, customer: m.customer, to };
  }

  /** An agent accepts an offer made to them, or pulls a queued conversation of one of their groups. */
  async accept(agentId: string, id: string): Promise<{ status: 'active'; agent_id: string }> {
    const a = this.agent(agentId);
    if (!a) throw new OmnilaneError('API_ERR_FORBIDDEN', `${agentId} is not in the roster`);
    const cs = await this.store.conv(id);
    if (!cs) throw new OmnilaneError('API_ERR_NOT_FOUND', `conversation ${id} is not routed`);
    const now = this.o.clock.now();
    if (cs.status === 'queued') {
      if (!a.groups.includes(cs.group)) throw conflict(`conversation ${id} waits in ${cs.group}, not one of your groups`);
      const m = await this.meta.get(id);
      const r = await this.store.offer(id, cs.group, [this.slotFor(a, m?.channel ?? 'web')], now, 0, 'active');
      if (r.status === 'no_capacity') throw conflict('you have no free capacity on this channel');
      if (r.status !== 'active') throw conflict(`conversation ${id} was just taken (${r.status === 'not_queued' ? r.current : r.status})`);
      await this.assigned(id, agentId, 'accept', r.n);
      return { status: 'active', agent_id: agentId };
    }
    const r = await this.store.accept(id, agentId, now);
    if (r.status === 'conflict') throw conflict(`conversation ${id} is ${r.current}${r.agentId && r.agentId !== agentId ? ' with someone else' : ''}`);
    // `already`: a retry; publishing the same event id again is harmless and covers a publish that failed.
    const n = r.status === 'accepted' ? r.n : cs.n;
    await this.assigned(id, agentId, n > 1 ? 'reroute' : 'route', n);
    return { status: 'active', agent_id: agentId };
  }

  /** Transfer from the holder to an agent (active at once) or to a group's queue head; `by` null: a manager acting for the holder. */
  async transfer(by: string | null, id: string, to: { agent?: string; group?: string }): Promise<{ status: string; agent_id: string | null; group: string }> {
    const cs = await this.store.conv(id);
    if (!cs || (cs.status !== 'offered' && cs.status !== 'active')) throw conflict(`conversation ${id} is not held by an agent`);
    if (by !== null && cs.agent !== by) throw conflict(`conversation ${id} is not yours`);
    const from = cs.agent;
    const now = this.o.clock.now();
    const m = await this.meta.get(id);
    if (to.agent) {
      const target = this.agent(to.agent);
      if (!target) throw new OmnilaneError('API_ERR_NOT_FOUND', `no agent ${to.agent}`);
      const group = to.group ?? (target.groups.includes(cs.group) ? cs.group : (target.groups[0] ?? cs.group));
      const r = await this.store.transfer(id, from, { group, agent: this.slotFor(target, m?.channel ?? 'web') }, now, headSort);
      if (r.status === 'no_capacity') throw conflict(`${to.agent} has no free capacity`);
      if (r.status !== 'active') throw conflict(`transfer failed: ${r.status}`);
      await this.assigned(id, to.agent, 'transfer', r.n, from);
      return { status: 'active', agent_id: to.agent, group };
    }
    const group = to.group ?? cs.group;
    if (!this.groups().includes(group)) throw new OmnilaneError('API_ERR_NOT_FOUND', `no queue for group ${group}`);
    const r = await this.store.transfer(id, from, { group }, now, headSort);
    if (r.status !== 'queued') throw conflict(`transfer failed: ${r.status}`);
    this.emitConsole({ type: 'queue', group });
    await this.dispatch(group);
    const after = await this.store.conv(id);
    return { status: after?.status ?? 'queued', agent_id: after?.status === 'queued' ? null : (after?.agent ?? null), group };
  }

  /** Closes with an outcome (agent: only their own; `by` null: manager/admin or an external close). */
  async close(by: string | null, id: string, outcome: Outcome | null, value = 0, publish = true): Promise<{ status: 'closed' }> {
    const before = await this.store.conv(id);
    const r = await this.store.close(id, by ?? '');
    if (r.status === 'unknown') throw new OmnilaneError('API_ERR_NOT_FOUND', `conversation ${id} is not routed`);
    if (r.status === 'conflict') throw conflict(`conversation ${id} is ${r.current}${r.agentId ? ` with ${r.agentId}` : ''}`);
    if (r.status === 'stale') throw conflict(`conversation ${id} kept changing; retry`);
    // The customer's next SMS / WhatsApp / WeChat message opens a new conversation (ingest reads this
    // marker). Set on a retried close too, in case the first attempt stopped before it.
    await this.o.state.set(closedConversationKey(id), '1', this.o.ttlMs || undefined);
    const group = before?.group ?? '';
    if (r.status === 'already') {
      // A retry: the close events have deterministic ids, so publishing them again covers a publish that failed.
      if (publish && outcome && before?.agent && (by === null || by === before.agent)) await this.publishClose(id, before.agent, group, outcome, value);
      return { status: 'closed' };
    }
    const closed = await this.recentClosed();
    await this.o.state.set(CLOSED_KEY, JSON.stringify([id, ...closed.filter((x) => x !== id)].slice(0, KEEP_CLOSED)), this.o.ttlMs);
    if (publish && outcome) await this.publishClose(id, r.agentId, group, outcome, value);
    this.emitConsole({ type: 'closed', conversation_id: id, agent_id: r.agentId, group });
    if (r.agentId) {
      const a = this.agent(r.agentId);
      for (const g of a?.groups ?? []) await this.dispatch(g);
    }
    return { status: 'closed' };
  }

  /** Recently closed conversation ids, newest first (display only). */
  async recentClosed(): Promise<string[]> {
    return JSON.parse((await this.o.state.get(CLOSED_KEY)) ?? '[]') as string[];
  }

  private async publishClose(id: string, agentId: string | null, group: string, outcome: Outcome, value: number): Promise<void> {
    const m = await this.meta.get(id);
    const dims = dimensions(m, group, agentId ? (this.agent(agentId)?.team ?? '') : '');
    await this.publish(closeEvents(id, agentId, m, dims, outcome, value, this.o.clock.now()));
  }

  /**
   * Records a conversation becoming active with an agent: conversation.assigned
   * (id `asg:<id>:<n>`), the group's service-rate counter, sticky memory.
   * Called again for a retried step (same n): the event is the same id, so it counts once.
   */
  private async assigned(id: string, agentId: string, reason: AssignReason, n: number, transferFrom?: string): Promise<void> {
    const now = this.o.clock.now();
    const [cs, m] = await Promise.all([this.store.conv(id), this.meta.get(id)]);
    const group = cs?.group ?? '';
    const eid = `asg:${id}:${n}`;
    // The first assignment is the one whose event id won the marker (also on a retry of that same step).
    const first = (await this.o.state.setIfAbsent(firstKey(id), eid, this.o.ttlMs)) || (await this.o.state.get(firstKey(id))) === eid;
    const policy = reason === 'transfer' ? 'transfer' : reason === 'accept' ? 'pull' : await this.policyOf(group);
    const props = assignedProps({
      dims: dimensions(m, group, this.agent(agentId)?.team ?? ''),
      policy,
      reason,
      slaDueAt: m?.slaDueAt ?? null,
      transferFrom,
      first,
      enqueuedAt: cs?.enqueuedAt ?? now,
      now,
    });
    await this.publish([routingEvent(eid, 'conversation.assigned', id, agentId, m, props, now)]);
    const minute = Math.floor(now / 60_000);
    await this.o.state.incrBy(rateKey(group, minute), 1);
    await this.o.state.expire(rateKey(group, minute), 3_600_000);
    if (m) await this.meta.rememberAgent(m.customerKey, agentId);
    this.emitConsole({ type: 'assigned', conversation_id: id, agent_id: agentId, group });
  }

  async publish(events: EventEnvelope[]): Promise<void> {
    const sealed = this.o.personal ? await this.o.personal.sealEvents(events) : events;
    await this.o.bus.publish(
      TOPICS.events,
      sealed.map((e) => ({ key: e.customer_key, value: JSON.stringify(e) })),
    );
  }
}
