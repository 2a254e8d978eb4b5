/**
 * What sealing personal data costs (issue 14 item 2): the embedded pipeline end to end with 100-event requests whose
 * customers carry a phone and an e-mail and whose messages carry text, with PRIVACY_ENCRYPTION=off and on,
 * alternating (off, on, off, on, …) so a change in the machine's load hits both, each run the same number of events.
 * The report is the median over the rounds of on / off (each on-run against the off-run before it). With `engines`
 * (the local stack's Kafka, Redis and ClickHouse, `--stack`), the same comparison runs the distributed pipeline: each
 * run in its own namespace and ClickHouse database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnOmnilane, waitForExit } from '../test/support/child-process.js';
import { ADMIN, INGEST, throughput } from './pipeline.bench.js';

export interface PrivacyBenchFigures {
  /** Events/s until every event is queryable and routing and follow-up have caught up (the whole pipeline). */
  off_events_per_s: number[];
  on_events_per_s: number[];
  /** Median over the rounds of on / off (each round runs off, then on, on the same events). */
  ratio_on_to_off: number;
  /** The same runs, events/s until queryable only (the stream side; routing may still be behind). */
  queryable: { off_events_per_s: number[]; on_events_per_s: number[]; ratio_on_to_off: number };
  /** Target: at least 0.85 (within 15 % of off). */
  target_ratio: number;
}

let runs = 0;
async function run(encryption: 'on' | 'off', events: number, engines?: Record<string, string>): Promise<{ all: number; queryable: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), `omnilane-bench-privacy-${encryption}-`));
  const ns = `p${Date.now().toString(36)}${runs++}`;
  const onEngines = engines ? { ...engines, CLICKHOUSE_URL: `${engines.CLICKHOUSE_URL}/${ns}`, OMNILANE_NAMESPACE: ns, BUS_PARTITIONS: '4' } : {};
  const server = await spawnOmnilane(
    ['start'],
    { ...onEngines, DATA_DIR: dataDir, OMNILANE_INGEST_KEY: INGEST, OMNILANE_ADMIN_KEY: ADMIN, LOG_LEVEL: 'warn', PRIVACY_ENCRYPTION: encryption },
    await freePort(),
  );
  try {
    const r = await throughput(server, 100, { requests: events / 100 }, 64, true);
    return { all: r.events_per_s_all_services, queryable: r.events_per_s_end_to_end };
  } finally {
    server.proc.kill('SIGTERM');
    await waitForExit(server.proc);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function runPrivacyBench(
  opts: { events?: number; rounds?: number; engines?: Record<string, string>; log?: (l: string) => void } = {},
): Promise<PrivacyBenchFigures> {
  const log = opts.log ?? ((l: string) => console.log(l));
  // The same events for both (see throughput): four visits of each of the 10,000 bench customers.
  const events = opts.events ?? 40_000;
  const off: Array<{ all: number; queryable: number }> = [];
  const on: Array<{ all: number; queryable: number }> = [];
  for (let i = 0; i < (opts.rounds ?? 3); i++) {
    log(
      `privacy${opts.engines ? ' (Kafka, Redis, ClickHouse)' : ''}: round ${i + 1}, encryption off, ${events} events in 100-event requests with phone, e-mail and text…`,
    );
    off.push(await run('off', events, opts.engines));
    log(`privacy: round ${i + 1}, encryption on…`);
    on.push(await run('on', events, opts.engines));
  }
  // Each round's on-run over the off-run next to it (same machine load, within seconds), then the median over the
  // rounds: runs of one build differ by ±15 % here, and the best run of each side came from different moments.
  const ratio = (on: number[], off: number[]) => {
    const r = on.map((x, i) => x / off[i]).sort((a, b) => a - b);
    const mid = r.length >> 1;
    return Math.round((r.length % 2 ? r[mid] : (r[mid - 1] + r[mid]) / 2) * 1000) / 1000;
  };
  const pick = (runs: typeof off, k: 'all' | 'queryable') => runs.map((r) => r[k]);
  return {
    off_events_per_s: pick(off, 'all'),
    on_events_per_s: pick(on, 'all'),
    ratio_on_to_off: ratio(pick(on, 'all'), pick(off, 'all')),
    queryable: {
      off_events_per_s: pick(off, 'queryable'),
      on_events_per_s: pick(on, 'queryable'),
      ratio_on_to_off: ratio(pick(on, 'queryable'), pick(off, 'queryable')),
    },
    target_ratio: 0.85,
  };
}
