/**
 * Routing bench (issue 5): decisions per second and decision latency with Redis.
 *
 * A decision is what a routing worker does per conversation, as the desk's
 * dispatch pass does it: rank the group's agents with the queue's policy
 * (least_loaded, pure) over the live-load snapshot the pass read once (one
 * MGET per pass of 25, its time charged to the pass's first decision) and
 * kept current with its own offers, then run the atomic offer script (still
 * queued? first ranked agent under capacity → take the slot, leave the queue,
 * record the offer) — one Lua call. Queues are prefilled (enqueue is intake, not timed)
 * with a realistic backlog per group; workers run concurrently, as several
 * routing workers and accepts would. Needs REDIS_URL (or --stack: the local
 * stack's Redis via scripts/stack.sh).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { projectRoot } from '../shared/paths.js';
import { seededRng } from '../shared/random.js';
import { agentLoadKey } from '../stream/routing/queue-keys.js';
import { candidateFor, type Agent } from '../stream/routing/model.js';
import { route } from '../stream/routing/policies.js';
import { sortKey } from '../stream/routing/queue-keys.js';
import { QueueStore } from '../stream/routing/queue-store.js';
import { defaultRegistry } from '../stream/routing/rules.js';
import { RedisStateStore } from '../stream/state/redis-state-store.js';

export interface RoutingBenchResult {
  decisions: number;
  decisions_per_s: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  concurrency: number;
  groups: number;
  backlog_per_group: number;
  agents: number;
}

/** REDIS_URL, else (with --stack) the local stack's Redis; null when neither. */
export function benchRedisUrl(stack: boolean): string | null {
  if (process.env.REDIS_URL) return process.env.REDIS_URL;
  if (!stack) return null;
  const script = join(projectRoot(), 'scripts', 'stack.sh');
  const up = spawnSync('bash', [script, 'up', 'redis'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (up.status !== 0) throw new Error('scripts/stack.sh up redis failed');
  const env = spawnSync('bash', [script, 'env'], { encoding: 'utf8' }).stdout;
  return /REDIS_URL=(\S+)/.exec(env)?.[1] ?? null;
}

/** Conversations one dispatch pass looks at (the desk's DISPATCH_WINDOW). */
const PASS = 25;
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

export async function runRoutingBench(o: {
  redisUrl: string;
  connections?: number;
  groups?: number;
  backlog?: number;
  agents?: number;
  concurrency?: number;
  rounds?: number;
}): Promise<RoutingBenchResult> {
  const groups = o.groups ?? 16;
  const backlog = o.backlog ?? 200;
  const nAgents = o.agents ?? 32;
  const concurrency = o.concurrency ?? 6;
  const rounds = o.rounds ?? 3;
  const prefix = `bench-routing-${process.pid}-${Date.now().toString(36)}:`;
  const conns = Array.from({ length: o.connections ?? 2 }, () => new RedisStateStore({ url: o.redisUrl, keyPrefix: prefix }));
  const stores = conns.map((c) => new QueueStore(c, 3_600_000));
  const groupNames = Array.from({ length: groups }, (_, i) => `g${i}`);
  const agents: Agent[] = Array.from({ length: nAgents }, (_, i) => ({
    id: `a${i}`,
    skills: {},
    groups: groupNames,
    capacity: { '*': 100_000 },
    presence: 'online',
  }));
  const registry = defaultRegistry();
  const rng = seededRng(11);
  const latencies: number[] = [];
  let decisions = 0;
  let elapsed = 0;
  try {
    for (let r = 0; r < rounds; r++) {
      // Prefill (not timed): `backlog` conversations waiting in every group.
      const now = Date.now();
      const work: Array<[string, string]> = [];
      for (const g of groupNames) {
        for (let i = 0; i < backlog; i++) {
          const id = `r${r}-${g}-${i}`;
          work.push([id, g]);
        }
      }
      for (let i = 0; i < work.length; i += 500) {
        await Promise.all(
          work
            .slice(i, i + 500)
            .map(([id, g], j) => stores[j % stores.length].enqueue(id, g, sortKey({ tag: 'normal', priority: 50, enqueuedAt: now + i + j, id }), now)),
        );
      }
      // Interleave groups so concurrent workers mostly touch different queues, as real traffic does.
      work.sort((a, b) => Number(a[0].split('-')[2]) - Number(b[0].split('-')[2]) || a[1].localeCompare(b[1]));
      let next = 0;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async (_, w) => {
          const store = stores[w % stores.length];
          const conn = conns[w % conns.length];
          while (next < work.length) {
            // One dispatch pass, as the desk runs it: one load snapshot (MGET), then per conversation the
            // policy ranking and the atomic offer, the snapshot kept current with our own offers.
            const pass = work.slice(next, next + PASS);
            next += pass.length;
            let snapshot: number[] | null = null;
            for (const [id, group] of pass) {
              const s = performance.now();
              snapshot ??= (await conn.getMany(agents.map((a) => agentLoadKey(a.id, '*')))).map((v) => Number(v ?? 0));
              const loads = snapshot;
              const cands = agents.map((a, i) => ({ ...candidateFor(a, 'web', loads[i]), capacity: 100_000 }));
              const d = route(
                registry,
                {},
                {
                  conversation: { id, tag: 'normal', channel: 'web', intent: 'pre_sale', priority: 50, enqueuedAt: now },
                  candidates: cands,
                  rng,
                  state: {},
                  queue: group,
                },
                Date.now(),
              );
              if (!d.ok) throw new Error('policy missing');
              const res = await store.offer(
                id,
                group,
                d.ranked.map((aid) => ({ agentId: aid, capacity: 100_000, loadCh: '*' })),
                Date.now(),
                Date.now() + 60_000,
                'offered',
              );
              if (res.status !== 'offered') throw new Error(`decision for ${id} answered ${res.status}`);
              loads[agents.findIndex((a) => a.id === res.agentId)] = res.load;
              latencies.push(performance.now() - s);
              decisions++;
            }
          }
        }),
      );
      // Round 0 warms up (JIT, script cache, connections) and is not counted.
      if (r === 0) {
        latencies.length = 0;
        decisions = 0;
      } else elapsed += performance.now() - t0;
      await conns[0].clearPrefix();
    }
  } finally {
    await conns[0].clearPrefix().catch(() => 0);
    await Promise.all(conns.map((c) => c.close()));
  }
  const sorted = latencies.sort((a, b) => a - b);
  const round3 = (x: number) => Math.round(x * 1000) / 1000;
  return {
    decisions,
    decisions_per_s: Math.round(decisions / (elapsed / 1000)),
    p50_ms: round3(pct(sorted, 0.5)),
    p99_ms: round3(pct(sorted, 0.99)),
    max_ms: round3(sorted[sorted.length - 1]),
    concurrency,
    groups,
    backlog_per_group: backlog,
    agents: nAgents,
  };
}
