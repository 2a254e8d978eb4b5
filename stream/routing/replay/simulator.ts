import type { Rng } from '../../../shared/random.js';
import { candidateFor, compareQueued, eligible, type Agent, type Conversation } from '../model.js';
import type { PolicyState, RoutingPolicy } from '../policies.js';

/** A recorded conversation as the simulator replays it. */
export interface SimConversation {
  conversation: Conversation;
  /** The queue (skill group) it waits in; policies see it as `queue`, and only agents of the group serve it when any has it. */
  group: string;
  /** How long an agent is busy with it once assigned (the recorded assigned → closed time). */
  handleMs: number;
}

export interface SimOptions {
  agents: readonly Agent[];
  conversations: readonly SimConversation[];
  /** The policy that ranks agents for this conversation (lets a baseline replay each one under the policy that ran it). */
  policyFor: (c: SimConversation) => RoutingPolicy;
  rng: Rng;
}

export interface SimAssignment {
  id: string;
  agentId: string;
  arrivedAt: number;
  assignedAt: number;
  waitMs: number;
  /** Assigned after its SLA due time. */
  slaMissed: boolean;
}

export interface SimResult {
  assignments: SimAssignment[];
  /** Conversations no agent could take before the simulation ran out of events (no capacity on their channel). */
  unserved: string[];
  /** Agent id → conversations handled (every roster agent, zeros included). */
  handled: Record<string, number>;
}

/** A binary min-heap of agent releases by time (then sequence, so equal times keep insertion order). */
class Releases {
  private readonly items: Array<{ at: number; seq: number; agentId: string; channel: string }> = [];
  private seq = 0;
  get size() {
    return this.items.length;
  }
  peek() {
    return this.items[0];
  }
  private less(a: number, b: number) {
    const x = this.items[a];
    const y = this.items[b];
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }
  push(at: number, agentId: string, channel: string) {
    const it = this.items;
    it.push({ at, seq: this.seq++, agentId, channel });
    for (let i = it.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      [it[i], it[p]] = [it[p], it[i]];
      i = p;
    }
  }
  pop() {
    const it = this.items;
    const top = it[0];
    const last = it.pop()!;
    if (it.length > 0) {
      it[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < it.length && this.less(l, m)) m = l;
        if (r < it.length && this.less(r, m)) m = r;
        if (m === i) break;
        [it[i], it[m]] = [it[m], it[i]];
        i = m;
      }
    }
    return top;
  }
}

/**
 * Deterministic discrete-event replay. Events are arrivals (recorded
 * enqueue times) and releases (assignment + handle time). At each instant,
 * releases are applied first, then arrivals, then the waiting conversations
 * are offered, in queue order (`compareQueued`), to the policy with the
 * eligible agents of their group; the first ranked eligible agent takes the
 * conversation at once (no accept delay). A conversation nobody may take
 * waits for the next event. Agents are always online and on shift.
 */
export function simulate(o: SimOptions): SimResult {
  const arrivals = [...o.conversations].sort(
    (a, b) => a.conversation.enqueuedAt - b.conversation.enqueuedAt || (a.conversation.id < b.conversation.id ? -1 : 1),
  );
  const agents = o.agents.map((a) => ({ ...a, presence: 'online' as const, workingHours: undefined }));
  const open = new Map<string, Map<string, number>>(agents.map((a) => [a.id, new Map()]));
  const handled: Record<string, number> = Object.fromEntries(agents.map((a) => [a.id, 0]));
  const groupPool = new Map<string, Agent[]>();
  const poolOf = (group: string) => {
    let pool = groupPool.get(group);
    if (!pool) {
      const inGroup = agents.filter((a) => a.groups.includes(group));
      pool = inGroup.length > 0 ? inGroup : agents;
      groupPool.set(group, pool);
    }
    return pool;
  };
  const releases = new Releases();
  let waiting: SimConversation[] = [];
  let state: PolicyState = {};
  const assignments: SimAssignment[] = [];
  let next = 0;

  const dispatch = (now: number) => {
    waiting.sort((a, b) => compareQueued(a.conversation, b.conversation));
    const still: SimConversation[] = [];
    for (const w of waiting) {
      const c = w.conversation;
      const cands = eligible(
        c,
        poolOf(w.group).map((a) => candidateFor(a, c.channel, open.get(a.id)!.get(c.channel) ?? 0)),
        now,
      );
      if (cands.length === 0) {
        still.push(w);
        continue;
      }
      const d = o.policyFor(w)({ conversation: c, candidates: cands, rng: o.rng, state, queue: w.group });
      const ok = new Set(cands.map((x) => x.agent.id));
      const agentId = d.ranked.find((id) => ok.has(id));
      if (agentId === undefined) {
        still.push(w);
        continue;
      }
      state = d.state;
      const perChannel = open.get(agentId)!;
      perChannel.set(c.channel, (perChannel.get(c.channel) ?? 0) + 1);
      handled[agentId]++;
      releases.push(now + w.handleMs, agentId, c.channel);
      assignments.push({
        id: c.id,
        agentId,
        arrivedAt: c.enqueuedAt,
        assignedAt: now,
        waitMs: now - c.enqueuedAt,
        slaMissed: c.slaDueAt !== undefined && now > c.slaDueAt,
      });
    }
    waiting = still;
  };

  while (next < arrivals.length || releases.size > 0) {
    const tArr = next < arrivals.length ? arrivals[next].conversation.enqueuedAt : Infinity;
    const tRel = releases.size > 0 ? releases.peek().at : Infinity;
    const now = Math.min(tArr, tRel);
    while (releases.size > 0 && releases.peek().at === now) {
      const r = releases.pop();
      const perChannel = open.get(r.agentId)!;
      perChannel.set(r.channel, perChannel.get(r.channel)! - 1);
    }
    while (next < arrivals.length && arrivals[next].conversation.enqueuedAt === now) waiting.push(arrivals[next++]);
    dispatch(now);
  }
  return { assignments, unserved: waiting.map((w) => w.conversation.id).sort(), handled };
}
