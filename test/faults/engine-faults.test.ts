import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { projectRoot } from '../../shared/paths.js';
import { KafkaBus } from '../../stream/bus/kafka-bus.js';
import { STREAM_GROUP, TOPICS } from '../../shared/topics.js';
import { ClickHouseWarehouse } from '../../warehouse/clickhouse/clickhouse-warehouse.js';
import { freePort } from '../support/child-process.js';
import { newErrors, verifyAggregates, verifyIds, type AggregateVerdict, type IdVerdict } from './check.js';
import { LoadGenerator, makeEvent } from './load.js';
import { OmnilaneProcess } from './omnilane-process.js';
import { PrivateStack, sleep } from './private-stack.js';

/*
 * The fault suite (issue 18, deliverable 4): Omnilane on its own Kafka, Redis and ClickHouse (a private
 * scripts/stack.sh stack on free ports), `omnilane ingest` and `omnilane stream` as child processes, a bounded
 * load posting unique ids. Each fault in turn, with the load running; after each: every acknowledged id is in
 * `events` exactly once and every aggregate equals its recount from `events FINAL`.
 */

const num = (name: string, def: number) => (process.env[name] ? Number(process.env[name]) : def);
const RATE = num('FAULTS_RATE', 300); // events/s
const BATCH = num('FAULTS_BATCH', 25); // events per request
const DOWN_MS = num('FAULTS_DOWN_S', 6) * 1000; // how long a killed engine stays down
const FREEZE_MS = num('FAULTS_FREEZE_S', 20) * 1000; // SIGSTOP duration
const BEFORE_MS = num('FAULTS_BEFORE_S', 5) * 1000; // load before the fault
const AFTER_MS = num('FAULTS_AFTER_S', 5) * 1000; // load after recovery
const RESEND_EVERY = num('FAULTS_RESEND_EVERY', 10); // every n-th request re-posts an acknowledged batch (lost 202)
const RECOVERY_LIMIT_MS = 120_000;
const INGEST_KEY = 'faults-ingest-key-0123456789abcdef';
const ADMIN_KEY = 'faults-admin-key-0123456789abcdefg';
const DB = 'omnilane_faults';

interface Row extends IdVerdict {
  fault: string;
  /**
   * events counted more than once: FINAL rows beyond one per id, plus the events the aggregates count beyond the
   * recount that they did not before this phase (channel minutes or KPI minutes, whichever is larger)
   */
  duplicated: number;
  /** aggregate rows this phase made differ from the recount (none: the fault did not disturb the aggregates) */
  newAggregateErrors: string[];
  newErrors: ReturnType<typeof newErrors>;
  /** every aggregate of the run's minutes so far equals its recount (false stays false: nothing repairs it) */
  channelMinutesEqual: boolean;
  kpiMinutesEqual: boolean;
  /** seconds from the end of the fault (engine restarted / resumed) until a newly acknowledged event is in the warehouse */
  recoverySeconds: number | null;
  /** seconds from the end of the fault until that event was acknowledged (202) */
  ackSeconds: number | null;
  faultSeconds: number;
  unackedGivenUp: number;
  /** the stream group reached lag 0 with every acknowledged id stored within 90 s of the load's end */
  drained: boolean;
  crashes: string[];
  stats: LoadGenerator['stats'];
}

const root = projectRoot();
const cacheDir = join(root, '.cache');
// One stack dir per run (deleted at the end): a previous run's data never has to be removed before this one starts.
const stackDir = join(cacheDir, 'faults-stack', `run-${process.pid}-${Date.now().toString(36)}`);
const logDir = join(cacheDir, 'faults-logs');
const cleanups: Array<() => Promise<unknown>> = [];
let passed = false;

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch((e) => process.stderr.write(`[faults] cleanup: ${(e as Error).message}\n`));
});

it('keeps every acknowledged id exactly once and every aggregate equal to the recount through engine faults', async () => {
  const t0 = Date.now();
  rmSync(logDir, { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });
  const stack = await PrivateStack.create(stackDir);
  // Stop the engines and delete their data (Kafka's log, ClickHouse's parts; FAULTS_KEEP=1 keeps them). Their
  // logs are copied beside Omnilane's first. Cleanups run last pushed first.
  const keep = process.env.FAULTS_KEEP === '1';
  cleanups.push(async () => keep || rmSync(stackDir, { recursive: true, force: true }));
  cleanups.push(() => stack.down(!keep));
  cleanups.push(async () => {
    if (existsSync(join(stackDir, 'logs'))) cpSync(join(stackDir, 'logs'), join(logDir, 'engines'), { recursive: true });
    if (!passed) process.stderr.write(`[faults] logs: ${logDir} (omnilane ingest.log, stream.log; engines/)\n`);
  });
  cleanups.push(async () => {
    try {
      stack.signal('clickhouse', 'SIGCONT'); // never leave a frozen server behind
    } catch {
      /* not running */
    }
  });
  process.stderr.write(await stack.up([], false));
  const stackSeconds = (Date.now() - t0) / 1000;

  const dataDir = mkdtempSync(join(tmpdir(), 'omnilane-faults-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  const ingestPort = await freePort();
  const vars: Record<string, string> = {
    KAFKA_BROKERS: stack.kafkaBrokers,
    REDIS_URL: stack.redisUrl,
    CLICKHOUSE_URL: `${stack.clickhouseUrl}/${DB}`,
    OMNILANE_NAMESPACE: 'faults',
    OMNILANE_INGEST_KEY: INGEST_KEY,
    OMNILANE_ADMIN_KEY: ADMIN_KEY,
    BUS_PARTITIONS: '4',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
  };
  const wh = new ClickHouseWarehouse({ url: vars.CLICKHOUSE_URL });
  cleanups.push(() => wh.close());
  await wh.migrate();
  const bus = new KafkaBus({ brokers: [stack.kafkaBrokers], namespace: 'faults' });
  cleanups.push(() => bus.close());

  const ingest = new OmnilaneProcess('ingest', { ...vars, PORT: String(ingestPort) }, join(logDir, 'ingest.log'), `http://127.0.0.1:${ingestPort}/healthz`);
  const stream = new OmnilaneProcess('stream', { ...vars, PORT: '0' }, join(logDir, 'stream.log'));
  cleanups.push(() => ingest.stop());
  cleanups.push(() => stream.stop(20_000));
  await Promise.all([ingest.start(), stream.start()]);

  const load = new LoadGenerator({
    url: `http://127.0.0.1:${ingestPort}`,
    ingestKey: INGEST_KEY,
    rate: RATE,
    batch: BATCH,
    timeoutMs: 10_000,
    maxInFlight: 16,
    resendEvery: RESEND_EVERY,
  });
  const run = `f${Date.now().toString(36)}`;
  const lag = async () => {
    try {
      return (await bus.groupLag(STREAM_GROUP, [TOPICS.events])).reduce((a, p) => a + p.lag, 0);
    } catch {
      return -1;
    }
  };
  const present = async (like: string) => {
    try {
      return Number((await wh.sql<{ c: string }>(`SELECT toInt64(count()) AS c FROM events FINAL WHERE id LIKE '${like}'`))[0].c);
    } catch {
      return -1;
    }
  };

  const faults: Array<{ name: string; inject: () => Promise<void>; restore: () => Promise<void> }> = [
    { name: 'none (baseline)', inject: async () => undefined, restore: async () => undefined },
    {
      name: 'stream worker kill -9 + restart',
      inject: () => stream.kill9(),
      restore: async () => {
        await sleep(DOWN_MS);
        await stream.start();
      },
    },
    {
      name: 'Kafka kill -9 + restart',
      inject: async () => void (await stack.kill9('kafka')),
      restore: async () => {
        await sleep(DOWN_MS);
        process.stderr.write(await stack.up(['kafka']));
      },
    },
    {
      name: 'Redis kill -9 + restart (empty)',
      inject: async () => void (await stack.kill9('redis')),
      restore: async () => {
        await sleep(DOWN_MS);
        await stack.up(['redis']);
      },
    },
    { name: 'Redis FLUSHALL', inject: () => stack.flushRedis(), restore: async () => undefined },
    {
      name: 'ClickHouse kill -9 + restart',
      inject: async () => void (await stack.kill9('clickhouse')),
      restore: async () => {
        await sleep(DOWN_MS);
        await stack.up(['clickhouse']);
      },
    },
    {
      name: `ClickHouse freeze (SIGSTOP ${FREEZE_MS / 1000} s)`,
      inject: async () => void stack.signal('clickhouse', 'SIGSTOP'),
      restore: async () => {
        await sleep(FREEZE_MS);
        stack.signal('clickhouse', 'SIGCONT');
      },
    },
  ];
  const only = process.env.FAULTS_ONLY?.split(',').map((s) => s.trim().toLowerCase());
  const chosen = only ? faults.filter((f, i) => i === 0 || only.some((o) => f.name.toLowerCase().includes(o))) : faults;

  const rows: Row[] = [];
  const runFrom = Math.floor(Date.now() / 60_000) * 60_000;
  let previous: AggregateVerdict | undefined;
  for (const [i, fault] of chosen.entries()) {
    const prefix = `${run}-p${i}`;
    const crashesBefore = ingest.crashes.length + stream.crashes.length;
    const statsBefore = JSON.parse(JSON.stringify(load.stats)) as LoadGenerator['stats'];
    process.stderr.write(`[faults] ${fault.name}: load ${RATE} events/s\n`);
    load.start(prefix);
    await sleep(BEFORE_MS);
    const tFault = Date.now();
    await fault.inject();
    await fault.restore();
    const tRestore = Date.now();

    // Recovery: a probe event posted (and retried) from the restore on, until it is queryable.
    const probeId = `${prefix}-probe`;
    let recoverySeconds: number | null = null;
    let ackSeconds: number | null = null;
    const probe = (async () => {
      await load.postOne(makeEvent(probeId, 0, Date.now()));
      ackSeconds = (Date.now() - tRestore) / 1000;
      const until = tRestore + RECOVERY_LIMIT_MS;
      while ((await present(probeId)) < 1) {
        if (Date.now() > until) return;
        await sleep(100);
      }
      recoverySeconds = (Date.now() - tRestore) / 1000;
    })();
    await Promise.race([probe, sleep(RECOVERY_LIMIT_MS)]);
    await sleep(AFTER_MS);
    const givenUp = await load.stop(60_000);
    const tEnd = Date.now();

    // Drain: every acknowledged id of the phase reached the warehouse and the stream group has no lag.
    const acked = new Set([...load.acked].filter((id) => id.startsWith(`${prefix}-`)));
    const until = Date.now() + 90_000;
    let drained = false;
    while (!drained && Date.now() < until) {
      drained = (await lag()) === 0 && (await present(`${prefix}-%`)) >= acked.size;
      if (!drained) await sleep(250);
    }
    if (!drained) process.stderr.write(`[faults] ${fault.name}: the stream did not catch up within 90 s (lag ${await lag()})\n`);
    await sleep(1000);
    const ids = await verifyIds(wh, prefix, acked);
    // The aggregates of every minute of the run so far. Phases are shorter than a minute and share minutes, so a
    // phase is judged by what it changed: an error introduced by an earlier fault is not counted again.
    const agg = await verifyAggregates(wh, runFrom, Math.floor(tEnd / 60_000) * 60_000 + 60_000);
    const errs = newErrors(agg, previous);
    previous = agg;
    const stats = diffStats(load.stats, statsBefore);
    const crashes = [...ingest.crashes, ...stream.crashes].slice(crashesBefore);
    const row: Row = {
      fault: fault.name,
      ...ids,
      duplicated: ids.finalDuplicates + Math.max(errs.channelOver, errs.kpiOver),
      newAggregateErrors: errs.changed,
      newErrors: errs,
      channelMinutesEqual: agg.channelMinutesEqual,
      kpiMinutesEqual: agg.kpiMinutesEqual,
      recoverySeconds,
      ackSeconds,
      faultSeconds: (tRestore - tFault) / 1000,
      unackedGivenUp: givenUp,
      drained,
      crashes,
      stats,
    };
    rows.push(row);
    process.stderr.write(
      `[faults] ${fault.name}: ${JSON.stringify({ acked: ids.acked, lost: ids.lost, duplicated: row.duplicated, errs: { ...errs, changed: errs.changed.length }, recoverySeconds, stats, crashes })}\n`,
    );
  }

  // After every fault: the whole run again (a later fault must not disturb an earlier phase's minutes).
  const allIds = await verifyIds(wh, run, load.acked);
  const allAgg = await verifyAggregates(wh, runFrom, Math.floor(Date.now() / 60_000) * 60_000 + 60_000);
  const allErrs = newErrors(allAgg);
  rows.push({
    fault: 'all phases, after every fault',
    ...allIds,
    duplicated: allIds.finalDuplicates + Math.max(allErrs.channelOver, allErrs.kpiOver),
    newAggregateErrors: allErrs.changed,
    newErrors: allErrs,
    channelMinutesEqual: allAgg.channelMinutesEqual,
    kpiMinutesEqual: allAgg.kpiMinutesEqual,
    recoverySeconds: null,
    ackSeconds: null,
    faultSeconds: 0,
    unackedGivenUp: 0,
    drained: true,
    crashes: [],
    stats: load.stats,
  });

  const seconds = (Date.now() - t0) / 1000;
  const table = render(rows);
  process.stdout.write(
    `\n${table}\nfault suite: ${seconds.toFixed(0)} s (private stack up ${stackSeconds.toFixed(1)} s), load ${RATE} events/s in batches of ${BATCH}\n`,
  );
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(
    join(cacheDir, 'faults-report.json'),
    JSON.stringify(
      { at: new Date().toISOString(), seconds, rate: RATE, batch: BATCH, downSeconds: DOWN_MS / 1000, freezeSeconds: FREEZE_MS / 1000, rows },
      null,
      2,
    ),
  );

  passed = rows.every(
    (r) =>
      r.lost + r.unackedGivenUp === 0 && r.duplicated === 0 && r.newAggregateErrors.length === 0 && (r.recoverySeconds !== null || r.fault.startsWith('all')),
  );
  for (const r of rows) {
    expect.soft({ fault: r.fault, lost: r.lost, givenUp: r.unackedGivenUp }, 'no acknowledged id lost').toEqual({ fault: r.fault, lost: 0, givenUp: 0 });
    expect.soft({ fault: r.fault, duplicated: r.duplicated }, 'no event counted twice').toEqual({ fault: r.fault, duplicated: 0 });
    expect
      .soft({ fault: r.fault, newAggregateErrors: r.newAggregateErrors }, 'the fault left every aggregate equal to the recount')
      .toEqual({ fault: r.fault, newAggregateErrors: [] });
    if (!r.fault.startsWith('all'))
      expect.soft(r.recoverySeconds, `${r.fault}: an event posted after the fault is queryable within ${RECOVERY_LIMIT_MS / 1000} s`).not.toBeNull();
  }
}, 900_000);

function diffStats(now: LoadGenerator['stats'], before: LoadGenerator['stats']): LoadGenerator['stats'] {
  const httpErrors: Record<string, number> = {};
  for (const [k, v] of Object.entries(now.httpErrors)) if (v - (before.httpErrors[k] ?? 0) > 0) httpErrors[k] = v - (before.httpErrors[k] ?? 0);
  return {
    requests: now.requests - before.requests,
    retries: now.retries - before.retries,
    timeouts: now.timeouts - before.timeouts,
    httpErrors,
    rejected: now.rejected - before.rejected,
    resent: now.resent - before.resent,
    reaccepted: now.reaccepted - before.reaccepted,
  };
}

function render(rows: Row[]): string {
  const head = [
    'fault',
    'acked',
    'present once',
    'lost',
    'duplicated',
    'aggregates equal (run so far)',
    'recovery s (acked / queryable)',
    'retries',
    'resent / accepted again',
    'process exits',
  ];
  const body = rows.map((r) => [
    r.fault,
    String(r.acked),
    String(r.presentOnce),
    String(r.lost + r.unackedGivenUp),
    String(r.duplicated),
    r.channelMinutesEqual && r.kpiMinutesEqual
      ? 'yes'
      : `NO${r.newAggregateErrors.length === 0 ? ' (earlier fault)' : ` (new: channel +${r.newErrors.channelOver}/-${r.newErrors.channelUnder}, KPI +${r.newErrors.kpiOver}/-${r.newErrors.kpiUnder})`}`,
    r.fault.startsWith('all')
      ? ''
      : `${r.ackSeconds === null ? '–' : r.ackSeconds.toFixed(1)} / ${r.recoverySeconds === null ? `> ${RECOVERY_LIMIT_MS / 1000}` : r.recoverySeconds.toFixed(1)}`,
    String(r.stats.retries),
    `${r.stats.resent} / ${r.stats.reaccepted}`,
    String(r.crashes.length),
  ]);
  const width = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join(' | ')} |`;
  return [line(head), `|${width.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...body.map(line)].join('\n');
}
