/**
 * Distributed-mode bench (`npm run bench -- --stack`): the same pipeline on the
 * local Kafka, Redis and ClickHouse (scripts/stack.sh, all co-located on this
 * machine with the load generator):
 *  - end to end: POST → queryable in ClickHouse, 100 events per request, and
 *    p50/p99 latency at half that rate (one `omnilane start` process);
 *  - one stream worker alone: a backlog published through an ingest-only
 *    process, then a `stream` process drains it into ClickHouse;
 *  - ClickHouse inserts from Node: JSONEachRow, 50k-row batches.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../shared/paths.js';
import { ClickHouseWarehouse } from '../warehouse/clickhouse/clickhouse-warehouse.js';
import { freePort, spawnOmnilane, waitForExit } from '../test/support/child-process.js';
import { runPipelineBench } from './pipeline.bench.js';

/** Starts the local stack (scripts/stack.sh) when it is not up and returns its connection environment. */
export function stackEnv(): Record<string, string> {
  const up = spawnSync('bash', [join(projectRoot(), 'scripts', 'stack.sh'), 'up'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (up.status !== 0) throw new Error('scripts/stack.sh up failed');
  const out = spawnSync('bash', [join(projectRoot(), 'scripts', 'stack.sh'), 'env'], { encoding: 'utf8' }).stdout;
  return Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((l) => l.split('=', 2) as [string, string]),
  );
}

async function chCount(wh: ClickHouseWarehouse): Promise<number> {
  const [r] = await wh.query<{ events: string | number }>('events_count', {});
  return Number(r.events);
}

export async function runStackBench(opts: { durationS?: number; backlog?: number; log?: (l: string) => void } = {}): Promise<Record<string, unknown>> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const engines = stackEnv();
  const run = `b${Date.now().toString(36)}`;
  const chUrl = `${engines.CLICKHOUSE_URL}/${run}`;
  const env = { ...engines, CLICKHOUSE_URL: chUrl, OMNILANE_NAMESPACE: run, BUS_PARTITIONS: '4' };

  log('stack: end to end through Kafka, Redis and ClickHouse…');
  const endToEnd = await runPipelineBench({ durationS: opts.durationS ?? 10, env, log, skipSingle: true });

  // One stream worker draining a backlog.
  const backlog = opts.backlog ?? 200_000;
  const run2 = `${run}w`;
  const env2 = {
    ...engines,
    CLICKHOUSE_URL: `${engines.CLICKHOUSE_URL}/${run2}`,
    OMNILANE_NAMESPACE: run2,
    BUS_PARTITIONS: '4',
    OMNILANE_INGEST_KEY: 'bench-ingest-key-0123456789',
    LOG_LEVEL: 'warn',
  };
  const dataDir = mkdtempSync(join(tmpdir(), 'omnilane-stackbench-'));
  const ingest = await spawnOmnilane(['ingest'], { ...env2, DATA_DIR: dataDir }, await freePort());
  log(`stack: publishing a backlog of ${backlog} events through an ingest process…`);
  const now = Date.now();
  for (let b = 0; b < backlog / 1000; b++) {
    const events = Array.from({ length: 1000 }, (_, i) => {
      const n = b * 1000 + i;
      return {
        id: `w${n}`,
        type: n % 4 === 0 ? 'conversation.started' : 'message.received',
        channel: ['web', 'sms', 'wechat', 'app'][n % 4],
        occurred_at: now - (n % 3600) * 1000,
        customer: { external_id: `c${n % 20_000}` },
        conversation_id: `k${n % 20_000}`,
      };
    });
    const res = await fetch(`${ingest.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer bench-ingest-key-0123456789' },
      body: JSON.stringify({ events }),
    });
    if (res.status !== 202) throw new Error(`ingest answered ${res.status}`);
  }
  ingest.proc.kill('SIGTERM');
  await waitForExit(ingest.proc);
  const wh = new ClickHouseWarehouse({ url: env2.CLICKHOUSE_URL });
  await wh.migrate();
  log('stack: one stream worker draining the backlog…');
  const t0 = performance.now();
  const { spawn } = await import('node:child_process');
  const worker = spawn(process.execPath, [join(projectRoot(), 'bin', 'omnilane.js'), 'stream'], {
    env: { ...process.env, ...env2, DATA_DIR: dataDir },
    stdio: 'ignore',
  });
  while ((await chCount(wh)) < backlog) await new Promise((r) => setTimeout(r, 100));
  const workerS = (performance.now() - t0) / 1000;
  worker.kill('SIGTERM');
  await waitForExit(worker);

  log('stack: ClickHouse inserts, 50k-row batches…');
  const rows = Array.from({ length: 50_000 }, (_, i) => ({
    producer: 'bench',
    id: `ins${i}`,
    type: 'message.received',
    channel: 'web',
    occurred_at: now,
    received_at: now,
    customer_key: `ext:c${i % 1000}`,
    conversation_id: `k${i % 1000}`,
    agent_id: null,
    customer: '{"external_id":"c"}',
    properties: '{"text":"hello"}',
  }));
  const t1 = performance.now();
  const rounds = 6;
  for (let r = 0; r < rounds; r++)
    await wh.append(
      'events',
      rows.map((x) => ({ ...x, id: `${x.id}-${r}` })),
    );
  const insertRowsPerS = Math.round((rounds * rows.length) / ((performance.now() - t1) / 1000));
  await wh.close();
  rmSync(dataDir, { recursive: true, force: true });
  return {
    end_to_end: endToEnd,
    stream_worker: { backlog, seconds: Number(workerS.toFixed(2)), events_per_s: Math.round(backlog / workerS) },
    clickhouse_insert_rows_per_s: insertRowsPerS,
  };
}
