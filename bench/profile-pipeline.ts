/**
 * CPU profile of the embedded server under the bench's 100-event load (docs/performance.md):
 * `npm run -s build && node scripts/run-ts.js bench/profile-pipeline.ts [--duration S] [--per-request N] [--connections C] [--out DIR]`
 * (`--root DIR`: profile the built CLI of another checkout, e.g. a worktree of the commit before a change;
 * `--requests N`: a fixed number of requests instead of `--duration`, to compare two configurations on equal work;
 * `--contact`: customers carry a phone and an e-mail, as in the privacy bench; `--encryption on|off`: PRIVACY_ENCRYPTION).
 * Starts the built CLI (`omnilane start`) under `node --cpu-prof`, drives 100-event requests with autocannon,
 * waits until every accepted event is queryable and routing and follow-up have caught up, stops the server (SIGTERM: the profile is written on exit) and
 * prints self time per pipeline stage, in ms and in µs per event. The .cpuprofile stays in DIR for a flame graph
 * (Chrome DevTools → Performance → Load profile, or speedscope).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { parseFlags } from '../cli/args.js';
import { projectRoot } from '../shared/paths.js';
import { freePort, waitForExit } from '../test/support/child-process.js';
import { ADMIN, eventJson, INGEST, serviceLag } from './pipeline.bench.js';
import { stageTable, summariseProfile, type CpuProfile } from './profile-stages.js';

const parsed = parseFlags(process.argv.slice(2), {
  duration: { type: 'number', above: 0 },
  out: { type: 'string' },
  connections: { type: 'number', integer: true, min: 1 },
  'per-request': { type: 'number', integer: true, min: 1 },
  'node-flag': { type: 'string' },
  'keep-data': { type: 'boolean' },
  root: { type: 'string' },
  contact: { type: 'boolean' },
  requests: { type: 'number', integer: true, min: 1 },
  encryption: { type: 'string' },
});
if (!parsed.ok) {
  console.error(`profile-pipeline: ${parsed.message}`);
  process.exit(2);
}
const durationS = parsed.flags.duration ?? 10;
const connections = parsed.flags.connections ?? 16;
const perRequest = parsed.flags['per-request'] ?? 100;
const outDir = parsed.flags.out ?? join(projectRoot(), '.cache', 'profiles');
mkdirSync(outDir, { recursive: true });
const profDir = mkdtempSync(join(outDir, 'run-'));
const dataDir = mkdtempSync(join(tmpdir(), 'omnilane-prof-'));
const port = await freePort();

function body(now: number): string {
  const parts: string[] = [];
  for (let i = 0; i < perRequest; i++) parts.push(eventJson(now, parsed.ok && parsed.flags.contact === true));
  return `{"events":[${parts.join(',')}]}`;
}

const spawnedAt = performance.now();
const proc = spawn(
  process.execPath,
  [
    ...(parsed.flags['node-flag'] ? [parsed.flags['node-flag']] : []),
    '--cpu-prof',
    `--cpu-prof-dir=${profDir}`,
    join(parsed.flags.root ?? projectRoot(), 'bin', 'omnilane.js'),
    'start',
  ],
  {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      OMNILANE_INGEST_KEY: INGEST,
      OMNILANE_ADMIN_KEY: ADMIN,
      ...(parsed.flags.encryption ? { PRIVACY_ENCRYPTION: parsed.flags.encryption } : {}),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  },
);
const url = `http://127.0.0.1:${port}`;
for (const until = Date.now() + 60_000; ;) {
  if (proc.exitCode !== null) throw new Error(`omnilane exited with ${proc.exitCode}`);
  if (Date.now() > until) throw new Error('omnilane did not become healthy');
  const ok = await fetch(`${url}/healthz`).then(
    (r) => r.status === 200,
    () => false,
  );
  if (ok) break;
  await new Promise((r) => setTimeout(r, 100));
}

/** Bytes under a folder (the files each embedded engine wrote). */
function dirBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) n += statSync(join(e.parentPath, e.name)).size;
  return n;
}

/** CPU time of the whole process (every thread: main, DuckDB's, libuv's), ms. */
function processCpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, in clock ticks of 10 ms
}

function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

async function stored(): Promise<number> {
  const r = await fetch(`${url}/v1/metrics/events?from=${Date.now() - 7 * 86_400_000}&to=${Date.now() + 86_400_000}&granularity=day`, {
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  return ((await r.json()) as { series: Array<{ value: number }> }).series.reduce((a, x) => a + x.value, 0);
}

console.log(`profile: ${perRequest}-event requests for ${durationS}s (${connections} connections) against the server under --cpu-prof…`);
const t0 = performance.now();
const cpuAtStart = processCpuMs(proc.pid!);
const result = await autocannon({
  url: `${url}/v1/events`,
  method: 'POST',
  connections,
  ...(parsed.flags.requests ? { amount: parsed.flags.requests } : { duration: durationS }),
  headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST}` },
  requests: [{ setupRequest: (req) => ({ ...req, body: body(Date.now()) }) }],
});
const events = result['2xx'] * perRequest;
while ((await stored()) < events) await new Promise((r) => setTimeout(r, 100));
// And until routing and follow-up have caught up: their work is the pipeline's too.
while ((await serviceLag({ url })) > 0) await new Promise((r) => setTimeout(r, 100));
const t1 = performance.now();
const seconds = (t1 - t0) / 1000;
const cpuAtEnd = processCpuMs(proc.pid!);
const rssPeakMb = peakRssMb(proc.pid!);
proc.kill('SIGTERM');
await waitForExit(proc);
const written = (['state', 'bus', 'warehouse'] as const).map((d) => `${d} ${Math.round(dirBytes(join(dataDir, d)) / events)} B/event`);
if (parsed.flags['keep-data']) console.log(`data kept in ${dataDir}`);
else rmSync(dataDir, { recursive: true, force: true });

const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error(`no .cpuprofile in ${profDir}`);
const profile = JSON.parse(readFileSync(join(profDir, file), 'utf8')) as CpuProfile;
// The profile starts with the process (a few ms after the spawn): keep the load phase only.
const summary = summariseProfile(profile, { fromMs: t0 - spawnedAt, toMs: t1 - spawnedAt });
console.log(`\n${events} events accepted and queryable in ${seconds.toFixed(1)} s (${Math.round(events / seconds)} events/s under the profiler)`);
console.log(stageTable(summary, events));
const processMs = cpuAtEnd - cpuAtStart;
console.log(
  `whole process CPU in the load phase: ${processMs.toFixed(0)} ms (${((1000 * processMs) / events).toFixed(1)} µs/event); ` +
    `other threads (DuckDB, libuv) ≈ ${Math.max(0, processMs - summary.busyMs).toFixed(0)} ms; peak RSS ${rssPeakMb} MB`,
);
console.log(`on disk after the run: ${written.join(', ')}`);
console.log(`(load phase only: ${(summary.totalMs / 1000).toFixed(1)} s of samples; µs/event = stage CPU time on the main thread / events)`);
console.log(`\nprofile: ${join(profDir, file)}`);
