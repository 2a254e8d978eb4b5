import fc from 'fast-check';
import type { StateStore } from '../../../shared/ports/state-store.js';
import { agentLoadKey, assignmentKey } from '../queue-keys.js';
import { parseOpen, parseQueue, queueKey, sortKey, OPEN_KEY } from '../queue-keys.js';
import { QueueStore, type SlotCandidate } from '../queue-store.js';

/**
 * Shared by the embedded and Redis property tests: random operations on the
 * persisted queues, run concurrently from several "workers" (store
 * connections), then the guarantees checked against the stored state.
 */
export const GROUPS = ['g1', 'g2'] as const;
export const AGENTS: SlotCandidate[] = [
  { agentId: 'a1', capacity: 1, loadCh: '*' },
  { agentId: 'a2', capacity: 2, loadCh: '*' },
  { agentId: 'a3', capacity: 1, loadCh: 'web' },
];
const T0 = 1_764_000_000_000;

export type Op =
  | { k: 'enqueue'; c: number; g: number; prio: number; awaiting: boolean }
  | { k: 'words'; c: number; g: number; prio: number; m: number }
  | { k: 'offer' | 'pull'; c: number; order: number[] }
  | { k: 'accept'; c: number; a: number }
  | { k: 'timeout'; c: number; force: boolean }
  | { k: 'transfer'; c: number; a: number; toGroup: boolean }
  | { k: 'close'; c: number };

const conv = fc.integer({ min: 0, max: 5 });
const agent = fc.integer({ min: 0, max: AGENTS.length - 1 });
export const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      k: fc.constant('enqueue' as const),
      c: conv,
      g: fc.integer({ min: 0, max: 1 }),
      prio: fc.integer({ min: 0, max: 100 }),
      awaiting: fc.boolean(),
    }),
    weight: 3,
  },
  // The customer's words (message m) re-triaging a conversation into group g: the enqueue script's second form.
  {
    arbitrary: fc.record({
      k: fc.constant('words' as const),
      c: conv,
      g: fc.integer({ min: 0, max: 1 }),
      prio: fc.integer({ min: 0, max: 100 }),
      m: fc.integer({ min: 0, max: 2 }),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({ k: fc.constantFrom('offer' as const, 'pull' as const), c: conv, order: fc.shuffledSubarray([0, 1, 2], { minLength: 1 }) }),
    weight: 3,
  },
  fc.record({ k: fc.constant('accept' as const), c: conv, a: agent }),
  fc.record({ k: fc.constant('timeout' as const), c: conv, force: fc.boolean() }),
  fc.record({ k: fc.constant('transfer' as const), c: conv, a: agent, toGroup: fc.boolean() }),
  fc.record({ k: fc.constant('close' as const), c: conv }),
);

const cid = (c: number) => `c${c}`;

/** Everything the queue scripts own, as plain data: for comparing the Lua and local forms. */
export async function snapshotState(state: StateStore): Promise<unknown> {
  const q = new QueueStore(state, 0);
  const convs: Record<string, unknown> = {};
  for (let c = 0; c <= 7; c++) convs[cid(c)] = [await q.conv(cid(c)), await state.get(assignmentKey(cid(c)))];
  const loads: Record<string, string | null> = {};
  for (const a of AGENTS) for (const ch of ['*', 'web']) loads[`${a.agentId}/${ch}`] = await state.get(agentLoadKey(a.agentId, ch));
  return { queues: await Promise.all(GROUPS.map((g) => q.queue(g))), open: await q.open(), convs, loads };
}

export async function runOp(q: QueueStore, op: Op, step: number): Promise<unknown> {
  const id = cid(op.c);
  const now = T0 + step * 1000;
  const head = (c: { sort: string }) => `0${c.sort.slice(1)}`;
  switch (op.k) {
    case 'enqueue':
      return q.enqueue(id, GROUPS[op.g], sortKey({ tag: 'normal', priority: op.prio, enqueuedAt: now, id }), now, { awaitingWords: op.awaiting });
    case 'words':
      return q.enqueue(id, GROUPS[op.g], sortKey({ tag: 'normal', priority: op.prio, enqueuedAt: now, id }), now, { words: `msg/${op.m}` });
    case 'offer':
    case 'pull': {
      const cs = await q.conv(id);
      if (!cs || cs.status !== 'queued') return;
      const ranked = op.order.map((i) => AGENTS[i]);
      return q.offer(id, cs.group, op.k === 'pull' ? ranked.slice(0, 1) : ranked, now, now + 5000, op.k === 'pull' ? 'active' : 'offered');
    }
    case 'accept':
      return q.accept(id, AGENTS[op.a].agentId, now);
    case 'timeout':
      return q.requeue(id, now + (op.force ? 0 : 10_000), head, op.force);
    case 'transfer': {
      const cs = await q.conv(id);
      if (!cs || !cs.agent) return;
      return q.transfer(id, cs.agent, op.toGroup ? { group: GROUPS[1] } : { group: cs.group, agent: AGENTS[op.a] }, now, head);
    }
    case 'close':
      return q.close(id);
  }
}

/** Every guarantee, checked on the stored state; returns the first violation or null. */
export async function violation(
  state: StateStore,
  enqueued: Set<string>,
  groups: readonly string[] = GROUPS,
  agents: readonly SlotCandidate[] = AGENTS,
): Promise<string | null> {
  const q = new QueueStore(state, 0);
  const queues = await Promise.all(groups.map(async (g) => parseQueue(await state.hgetall(queueKey(g)))));
  const open = parseOpen(await state.hgetall(OPEN_KEY));
  const held = new Map<string, number>();
  for (const id of enqueued) {
    const cs = await q.conv(id);
    if (!cs) return `${id} was enqueued but has no routing state (lost)`;
    const inQueues = queues.flatMap((qu, gi) => qu.filter((e) => e[1] === id).map(() => groups[gi]));
    const asg = await state.get(assignmentKey(id));
    if (cs.status === 'queued') {
      if (inQueues.length !== 1 || inQueues[0] !== cs.group) return `${id} is queued but sits in [${inQueues.join(',')}] (group ${cs.group})`;
      if (asg !== null || open[id]) return `${id} is queued and assigned`;
    } else if (cs.status === 'offered' || cs.status === 'active') {
      if (inQueues.length !== 0) return `${id} is ${cs.status} and still queued`;
      if (asg !== cs.agent || !open[id] || open[id][0] !== cs.agent)
        return `${id} is ${cs.status} to ${cs.agent} but assignment=${asg} open=${JSON.stringify(open[id])}`;
      const k = `${cs.agent}|${cs.loadCh}`;
      held.set(k, (held.get(k) ?? 0) + 1);
    } else if (inQueues.length !== 0 || asg !== null || open[id]) return `${id} is closed but still queued or assigned`;
  }
  for (const a of agents) {
    for (const ch of ['*', 'web']) {
      const load = Number((await state.get(agentLoadKey(a.agentId, ch))) ?? 0);
      const n = held.get(`${a.agentId}|${ch}`) ?? 0;
      if (load !== n) return `load of ${a.agentId}/${ch} is ${load} but it holds ${n}`;
      if (ch === a.loadCh && load > a.capacity) return `${a.agentId} is above capacity: ${load} > ${a.capacity}`;
    }
  }
  return null;
}

/** Runs the ops in rounds; each round's ops run concurrently, spread over the workers. */
export async function runConcurrently(workers: StateStore[], ops: Op[], roundSize: number): Promise<Set<string>> {
  const stores = workers.map((w) => new QueueStore(w, 0));
  const enqueued = new Set<string>();
  for (let i = 0; i < ops.length; i += roundSize) {
    const round = ops.slice(i, i + roundSize);
    await Promise.all(round.map((op, j) => runOp(stores[(i + j) % stores.length], op, i + j)));
    // A 'words' op on an unknown conversation enqueues it too (its first event had words).
    for (const op of round) if (op.k === 'enqueue' || op.k === 'words') enqueued.add(cid(op.c));
  }
  return enqueued;
}
