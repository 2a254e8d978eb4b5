import fc from 'fast-check';
import { seededRng, type Rng } from '../../shared/random.js';
import type { StateStore } from '../../shared/ports/state-store.js';
import { assignConversationScript, assignCall, agentLoadKey, assignmentKey, releaseCall, releaseConversationScript, type AssignResult, type ReleaseResult } from './assign-scripts.js';
import { candidateFor, type Agent, type Presence } from './model.js';
import { leastLoaded } from './policies.js';

/**
 * Test fixtures: random operations on a small routing world (agents, presence,
 * conversations) run against any StateStore, and the invariants the
 * assignment scripts promise. Shared by the embedded and Redis suites.
 */
export const CHANNEL = 'web';
export const AGENT_IDS = ['a1', 'a2', 'a3', 'a4'] as const;
export const CONV_IDS = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8'] as const;

export type Op =
  | { op: 'assign'; conv: string; seed: number }
  | { op: 'release'; conv: string }
  | { op: 'staleRelease'; conv: string; agent: string }
  | { op: 'presence'; agent: string; presence: Presence };

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('assign' as const), conv: fc.constantFrom(...CONV_IDS), seed: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('release' as const), conv: fc.constantFrom(...CONV_IDS) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('staleRelease' as const), conv: fc.constantFrom(...CONV_IDS), agent: fc.constantFrom(...AGENT_IDS) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('presence' as const), agent: fc.constantFrom(...AGENT_IDS), presence: fc.constantFrom<Presence>('online', 'away', 'offline') }) },
);

/** Capacities 0..3 per agent (0: takes nothing on the channel). */
export const capsArb = fc.tuple(...AGENT_IDS.map(() => fc.integer({ min: 0, max: 3 })));

export interface World {
  agents: Map<string, Agent>;
}

export function makeWorld(caps: readonly number[]): World {
  const agents = new Map<string, Agent>();
  AGENT_IDS.forEach((id, i) => agents.set(id, { id, skills: { sales: 1 }, groups: ['sales'], capacity: { [CHANNEL]: caps[i] }, presence: 'online' }));
  return { agents };
}

export type Outcome = AssignResult | ReleaseResult | { status: 'presence' } | { status: 'skipped' };

/** What one operation did, and the ranking it offered (for the sequential model check). */
export interface Step {
  op: Op;
  ranked?: Array<{ agentId: string; capacity: number }>;
  out: Outcome;
}

/**
 * Runs one operation as a stream worker would: read the live loads, rank
 * online agents with least-loaded, then assign atomically. `pause` yields
 * between the read and the atomic step so other workers can interleave.
 */
export async function runOp(st: StateStore, w: World, o: Op, pause: () => Promise<void> = async () => {}): Promise<Step> {
  if (o.op === 'presence') {
    w.agents.set(o.agent, { ...w.agents.get(o.agent)!, presence: o.presence });
    return { op: o, out: { status: 'presence' } };
  }
  if (o.op === 'staleRelease') {
    const c = releaseCall(o.conv, o.agent, CHANNEL);
    return { op: o, out: await st.atomic(releaseConversationScript, c.keys, c.args) };
  }
  if (o.op === 'release') {
    const agent = await st.get(assignmentKey(o.conv));
    await pause();
    if (agent === null) return { op: o, out: { status: 'skipped' } };
    const c = releaseCall(o.conv, agent, CHANNEL);
    return { op: o, out: await st.atomic(releaseConversationScript, c.keys, c.args) };
  }
  const online = [...w.agents.values()].filter((a) => a.presence === 'online');
  const loads = await st.getMany(online.map((a) => agentLoadKey(a.id, CHANNEL)));
  await pause();
  const rng: Rng = seededRng(o.seed);
  // Rank every online agent, full ones too: the script must skip them itself.
  const cands = online.map((a, i) => candidateFor(a, CHANNEL, Number(loads[i] ?? 0)));
  const d = leastLoaded()({ conversation: { id: o.conv, tag: 'normal', channel: CHANNEL, intent: 'pre_sale', priority: 0, enqueuedAt: 0 }, candidates: cands, rng, state: {}, queue: 'sales' });
  const ranked = d.ranked.map((agentId) => ({ agentId, capacity: w.agents.get(agentId)!.capacity[CHANNEL] }));
  const c = assignCall(o.conv, CHANNEL, ranked, 3_600_000);
  return { op: o, ranked, out: await st.atomic(assignConversationScript, c.keys, c.args) };
}

/** The store's view: each conversation's agent and each agent's load. */
export async function snapshot(st: StateStore): Promise<{ held: Record<string, string | null>; load: Record<string, number> }> {
  const held = await st.getMany(CONV_IDS.map((c) => assignmentKey(c)));
  const load = await st.getMany(AGENT_IDS.map((a) => agentLoadKey(a, CHANNEL)));
  return {
    held: Object.fromEntries(CONV_IDS.map((c, i) => [c, held[i]])),
    load: Object.fromEntries(AGENT_IDS.map((a, i) => [a, Number(load[i] ?? 0)])),
  };
}

/**
 * The guarantees at a quiet moment, given every outcome so far: no agent above
 * capacity; each agent's load is exactly the conversations held by it; each
 * conversation was assigned once more than released when held, else as often.
 * Returns the first violation, or null.
 */
export function violation(w: World, snap: Awaited<ReturnType<typeof snapshot>>, outcomes: readonly Step[]): string | null {
  for (const a of AGENT_IDS) {
    const cap = w.agents.get(a)!.capacity[CHANNEL];
    if (snap.load[a] > cap) return `${a} has ${snap.load[a]} open, capacity ${cap}`;
    const holding = CONV_IDS.filter((c) => snap.held[c] === a).length;
    if (snap.load[a] !== holding) return `${a} load ${snap.load[a]} but holds ${holding}`;
  }
  for (const c of CONV_IDS) {
    const mine = outcomes.filter((s) => s.op.op !== 'presence' && 'conv' in s.op && s.op.conv === c);
    const net = mine.filter((s) => s.out.status === 'assigned').length - mine.filter((s) => s.out.status === 'released').length;
    if (net !== (snap.held[c] === null ? 0 : 1)) return `${c}: assigned minus released is ${net}, held by ${snap.held[c]}`;
  }
  return null;
}
