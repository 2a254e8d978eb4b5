/**
 * Soak (`npm run bench -- --soak [--soak-minutes M] [--rate R] [--duration S]`): the embedded server under a steady
 * load of 100-event requests at half its peak rate for M minutes (default 10), RSS sampled every 5 s. The peak is
 * measured first in the same run (`--duration` seconds of 100-event requests), unless `--rate` names the load.
 * Reports the RSS slope (MB per minute, least squares over the second half: warm-up excluded) beside the whole
 * run's, and whether the pipeline kept up (every event queryable soon after the load stops).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnOmnilane, waitForExit, type ChildOmnilane } from '../test/support/child-process.js';
import { ADMIN, INGEST, eventJson, stored, throughput } from './pipeline.bench.js';

export interface SoakOptions {
  minutes?: number;
  /** Events/s to hold; default half the peak measured first. */
  rate?: number;
  /** Seconds of the peak measurement. */
  peakDurationS?: number;
  log?: (line: string) => void;
}

export interface SoakResult {
  peak_events_per_s: number | null;
  rate_events_per_s: number;
  minutes: number;
  events_sent: number;
  non_2xx: number;
  /** Seconds from the end of the load until every event was queryable. */
  drain_s: number;
  rss_mb: { start: number; end: number; peak: number };
  rss_slope_mb_per_min: { second_half: number; whole: number };
  samples: Array<[number, number]>;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Least-squares slope of y over x (x in minutes). */
export function slope(points: ReadonlyArray<[number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

async function paced(s: ChildOmnilane, rate: number, minutes: number, sample: (tMin: number) => void): Promise<{ sent: number; non2xx: number }> {
  const perRequest = 100;
  const intervalMs = (1000 * perRequest) / rate;
  const start = performance.now();
  const endAt = start + minutes * 60_000;
  let sent = 0;
  let non2xx = 0;
  let inflight = 0;
  let nextSample = start;
  const pending = new Set<Promise<void>>();
  for (let k = 0; ; k++) {
    const due = start + k * intervalMs;
    if (due >= endAt) break;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (performance.now() >= nextSample) {
      sample((performance.now() - start) / 60_000);
      nextSample += 5000;
    }
    // A server that cannot keep up is not buried under an unbounded backlog of open requests.
    if (inflight >= 256) continue;
    const now = Date.now();
    const events: string[] = [];
    for (let i = 0; i < perRequest; i++) events.push(eventJson(now));
    inflight++;
    const p: Promise<void> = fetch(`${s.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST}` },
      body: `{"events":[${events.join(',')}]}`,
    })
      .then(async (r) => {
        await r.arrayBuffer();
        if (r.status === 202) sent += perRequest;
        else non2xx++;
      })
      .catch(() => {
        non2xx++;
      })
      .finally(() => {
        inflight--;
        pending.delete(p);
      });
    pending.add(p);
  }
  await Promise.all(pending);
  sample((performance.now() - start) / 60_000);
  return { sent, non2xx };
}

export async function runSoakBench(opts: SoakOptions = {}): Promise<SoakResult> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const minutes = opts.minutes ?? 10;
  const dataDir = mkdtempSync(join(tmpdir(), 'omnilane-soak-'));
  const server = await spawnOmnilane(
    ['start'],
    { DATA_DIR: dataDir, OMNILANE_INGEST_KEY: INGEST, OMNILANE_ADMIN_KEY: ADMIN, LOG_LEVEL: 'warn' },
    await freePort(),
  );
  try {
    let peak: number | null = null;
    let rate = opts.rate;
    if (rate === undefined) {
      const d = opts.peakDurationS ?? 10;
      log(`soak: peak, 100-event requests for ${d}s…`);
      peak = (await throughput(server, 100, d, 64)).events_per_s_all_services;
      rate = peak / 2;
    }
    const base = await stored(server);
    const pid = server.proc.pid!;
    const samples: Array<[number, number]> = [];
    log(`soak: ${Math.round(rate)} events/s for ${minutes} min, RSS every 5 s…`);
    const { sent, non2xx } = await paced(server, rate, minutes, (t) => samples.push([Number(t.toFixed(3)), Math.round(rssMb(pid))]));
    const t0 = performance.now();
    const until = t0 + 300_000;
    while ((await stored(server)) - base < sent && performance.now() < until) await new Promise((r) => setTimeout(r, 200));
    const drain = (performance.now() - t0) / 1000;
    const secondHalf = samples.filter(([t]) => t >= minutes / 2);
    const r2 = (x: number) => Math.round(x * 100) / 100;
    return {
      peak_events_per_s: peak,
      rate_events_per_s: Math.round(rate),
      minutes,
      events_sent: sent,
      non_2xx: non2xx,
      drain_s: r2(drain),
      rss_mb: { start: samples[0]?.[1] ?? NaN, end: samples[samples.length - 1]?.[1] ?? NaN, peak: Math.round(peakRssMb(pid)) },
      rss_slope_mb_per_min: { second_half: r2(slope(secondHalf)), whole: r2(slope(samples)) },
      samples,
    };
  } finally {
    server.proc.kill('SIGTERM');
    await waitForExit(server.proc);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
