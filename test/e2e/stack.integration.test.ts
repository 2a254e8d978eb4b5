import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startOmnilane, startRoles, type RunningRoles } from '../../cli/runtime.js';
import { silentLogger } from '../../shared/logger.js';
import { projectRoot } from '../../shared/paths.js';
import { RedisStateStore } from '../../stream/state/redis-state-store.js';
import { ClickHouseWarehouse } from '../../warehouse/clickhouse/clickhouse-warehouse.js';
import { eventually, sleep } from '../contracts/engines.js';
import { STACK_INGEST_KEY, stackDeployment } from '../support/stack-deployment.js';

const INGEST_KEY = STACK_INGEST_KEY;
const CHANNELS = ['web', 'sms', 'whatsapp', 'email', 'wechat'];

/** One deployment on the real engines: its own topics, Redis prefix and ClickHouse database. */
const deployment = (label: string) => stackDeployment(label);

function events(prefix: string, n: number, t0: number) {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}-${i}`,
    type: i % 4 === 0 ? 'conversation.started' : i % 4 === 3 ? 'message.sent' : 'message.received',
    channel: CHANNELS[i % CHANNELS.length],
    occurred_at: t0 + ((i * 7919) % 1_800_000),
    customer: { external_id: `cust-${i % 97}` },
    conversation_id: `conv-${prefix}-${i % 211}`,
    ...(i % 4 === 3 ? { agent_id: `agent-${i % 5}` } : {}),
    properties: { text: `n°${i} "quoted" \\ ✓` },
  }));
}

async function post(url: string, batch: unknown[]): Promise<{ accepted: number; duplicates: number; rejected: unknown[] }> {
  const res = await fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_KEY}` },
    body: JSON.stringify({ events: batch }),
  });
  if (res.status !== 202) throw new Error(`POST /v1/events: ${res.status} ${await res.text()}`);
  return (await res.json()) as { accepted: number; duplicates: number; rejected: unknown[] };
}

async function postAll(url: string, all: unknown[], size = 500) {
  let accepted = 0;
  let duplicates = 0;
  for (let i = 0; i < all.length; i += size) {
    const r = await post(url, all.slice(i, i + size));
    expect(r.rejected).toEqual([]);
    accepted += r.accepted;
    duplicates += r.duplicates;
  }
  return { accepted, duplicates };
}

/** Per-minute counts from the stream's aggregate versus a recount from the raw (deduplicated) events. */
async function minuteCountsMatchRecount(wh: ClickHouseWarehouse, t0: number) {
  const window = { from_ms: t0 - 3_600_000, to_ms: t0 + 7_200_000, bucket_s: 60, channel: null };
  const agg = await wh.query<{ bucket_ms: string; channel: string; events: string; conversations: string }>('metric_channel_counts', window);
  const raw = await wh.sql<{ bucket_ms: string; channel: string; events: string; conversations: string }>(
    `SELECT toInt64(intDiv(occurred_at_ms, 60000) * 60000) AS bucket_ms, channel, toInt64(count()) AS events,
            toInt64(countIf(type = 'conversation.started')) AS conversations
     FROM events FINAL WHERE occurred_at_ms >= ${window.from_ms} AND occurred_at_ms < ${window.to_ms}
     GROUP BY bucket_ms, channel ORDER BY bucket_ms, channel`,
  );
  expect(agg.length).toBeGreaterThan(0);
  expect(agg).toEqual(raw);
}

describe('end to end on Kafka, Redis and ClickHouse', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  it('stores N posted events exactly once, also when the same batch is posted again', async () => {
    const d = deployment('e2e');
    cleanups.push(() => d.cleanup());
    const running = await startOmnilane({ config: d.config(), log: silentLogger() });
    cleanups.push(() => running.stop());
    expect(running.engines.names.bus).toMatch(/^Kafka /);
    expect(running.engines.names.state).toMatch(/^Redis /);
    expect(running.engines.names.warehouse).toMatch(/^ClickHouse /);

    const N = 3000;
    const t0 = Math.floor(Date.now() / 60_000) * 60_000 - 1_800_000;
    const all = events('a', N, t0);
    expect(await postAll(running.url, all)).toEqual({ accepted: N, duplicates: 0 });
    await eventually(`${N} rows in ClickHouse`, async () => (await d.count()) >= N, 60_000, 200);
    await eventually('stream caught up', async () => (await running.worker.lag()) === 0, 30_000, 100);
    expect(await d.count()).toBe(N);

    // The same batch again: answered as duplicates, nothing new stored.
    expect(await postAll(running.url, all)).toEqual({ accepted: 0, duplicates: N });
    await sleep(1500);
    expect(await d.count()).toBe(N);

    // Forget ingest's dedup keys: the events travel the bus again and the stream's dedup keeps them once.
    const dedup = new RedisStateStore({ url: d.vars.REDIS_URL, keyPrefix: `${d.ns}:dedup:` });
    expect(await dedup.clearPrefix()).toBe(N);
    await dedup.close();
    expect(await postAll(running.url, all)).toEqual({ accepted: N, duplicates: 0 });
    await eventually('replayed batch consumed', async () => (await running.worker.lag()) === 0 && running.worker.processed >= N, 60_000, 100);
    await sleep(500);
    expect(await d.count()).toBe(N);
    expect(running.worker.processed).toBe(N);
    await minuteCountsMatchRecount(d.warehouse, t0);
  }, 180_000);

  it('keeps every minute and the dedup exact when Redis loses all of its keys mid-stream, and counts a backfilled day in its minutes', async () => {
    const d = deployment('wipe');
    cleanups.push(() => d.cleanup());
    const running = await startOmnilane({ config: d.config(), log: silentLogger() });
    cleanups.push(() => running.stop());
    const t0 = Math.floor(Date.now() / 60_000) * 60_000 - 1_800_000;
    const first = events('w1', 2000, t0);
    expect(await postAll(running.url, first)).toEqual({ accepted: 2000, duplicates: 0 });
    await eventually('first half stored', async () => (await d.count()) >= 2000 && (await running.worker.lag()) === 0, 60_000, 100);

    // Redis restarted without persistence: every key of this deployment is gone (dedup, seen, KPI, identity, sessions, routing).
    const all = new RedisStateStore({ url: d.vars.REDIS_URL, keyPrefix: `${d.ns}:` });
    expect(await all.clearPrefix()).toBeGreaterThan(2000);
    await all.close();
    // New traffic for the same minutes, and a day from a week ago (far behind every watermark).
    const second = events('w2', 2000, t0);
    const backfill = events('w3', 1000, t0 - 7 * 86_400_000);
    // 300 ids from before the loss posted again: ingest has forgotten them (accepted), the worker finds them counted
    // in the warehouse and drops them.
    expect(await postAll(running.url, [...second, ...first.slice(0, 300), ...backfill])).toEqual({ accepted: 3300, duplicates: 0 });
    await eventually('all stored', async () => (await d.count()) >= 5000 && (await running.worker.lag()) === 0, 60_000, 100);
    await sleep(500);
    expect(await d.count()).toBe(5000);
    expect(running.worker.recoveryStats.losses).toBe(1);
    expect(running.worker.recoveryStats.dedupFromWarehouse).toBeGreaterThanOrEqual(300);
    await minuteCountsMatchRecount(d.warehouse, t0);
    await minuteCountsMatchRecount(d.warehouse, t0 - 7 * 86_400_000);
    for (const from of [t0 - 3_600_000, t0 - 7 * 86_400_000 - 3_600_000]) {
      const range = { from_ms: from, to_ms: from + 3 * 3_600_000 };
      const totals = await d.warehouse.query('kpi_minute_totals', range);
      expect(totals.length).toBeGreaterThan(0);
      expect(totals).toEqual(await d.warehouse.query('kpi_recount_minutes', range));
    }
  }, 180_000);

  it('counts exactly N after a stream worker process is killed with SIGKILL mid-processing and restarted', async () => {
    const d = deployment('kill');
    cleanups.push(() => d.cleanup());
    // Ingest only, in this process; the stream worker is a separate `omnilane stream` process.
    const ingest: RunningRoles = await startRoles({ config: d.config(), roles: { ingest: true, stream: false, api: false }, log: silentLogger() });
    cleanups.push(() => ingest.stop());
    const N = 40_000;
    const t0 = Math.floor(Date.now() / 60_000) * 60_000 - 1_800_000;
    expect(await postAll(ingest.url!, events('k', N, t0), 1000)).toEqual({ accepted: N, duplicates: 0 });
    await d.warehouse.migrate();

    const spawnStream = () => spawnOmnilane(['stream'], d.vars);
    const first = spawnStream();
    cleanups.push(async () => void first.proc.kill('SIGKILL'));
    await eventually('the first worker has stored some events', async () => (await d.count()) > 0, 60_000, 20);
    const lagAtKill = await d.lag();
    const storedAtKill = await d.count();
    first.proc.kill('SIGKILL');
    await first.exited;
    expect(first.proc.signalCode).toBe('SIGKILL');
    expect(lagAtKill, 'the kill must land while the worker still has work').toBeGreaterThan(0);
    expect(storedAtKill).toBeLessThan(N);

    const second = spawnStream();
    cleanups.push(async () => void second.proc.kill('SIGKILL'));
    await eventually('the restarted worker caught up', async () => (await d.lag()) === 0 && (await d.count()) >= N, 90_000, 250);
    await sleep(1000);
    expect(await d.count()).toBe(N);
    await minuteCountsMatchRecount(d.warehouse, t0);

    // SIGTERM: the worker drains, commits and exits 0.
    second.proc.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(await d.lag()).toBe(0);
    process.stdout.write(`[stack e2e] N=${N}: killed at ${storedAtKill} stored / lag ${lagAtKill}; after restart ${await d.count()} rows\n`);
  }, 240_000);
});

/** Runs `omnilane <args>` as a child process (the sources: vitest sets OMNILANE_FROM_SOURCE). */
function spawnOmnilane(args: string[], vars: Record<string, string>): { proc: ChildProcess; exited: Promise<number | null>; output: () => string } {
  const root = projectRoot();
  const argv = [join(root, 'bin', 'omnilane.js'), ...args];
  let out = '';
  const proc = spawn(process.execPath, argv, { cwd: root, env: { ...process.env, ...vars }, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout.on('data', (b) => (out += b));
  proc.stderr.on('data', (b) => (out += b));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, exited, output: () => out };
}
