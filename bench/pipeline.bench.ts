/**
 * Embedded pipeline bench: events/s from POST to queryable in the warehouse,
 * with 1 and with 100 events per request, then p50/p99 POST→queryable latency
 * at half the measured rate, and the server's peak memory. The server runs as
 * its own process (the built CLI); the load generator (autocannon) runs here,
 * on the same 2 cores, so figures are conservative.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { freePort, spawnOmnilane, waitForExit, type ChildOmnilane } from '../test/support/child-process.js';

export const INGEST = 'bench-ingest-key-0123456789';
export const ADMIN = 'bench-admin-key-0123456789';
const CHANNELS = ['web', 'app', 'sms', 'email', 'whatsapp', 'wechat', 'voice'];

export interface PipelineBenchOptions {
  durationS?: number;
  connections?: number;
  env?: Record<string, string>;
  log?: (line: string) => void;
  /** Skip the single-event-request phase (the stack bench measures batches only). */
  skipSingle?: boolean;
}

let seq = 0;
/**
 * One bench event as JSON (ids unique per bench process). `contact`: the customer also carries a phone and an e-mail
 * (the personal fields the privacy bench seals; the pipeline bench keeps its historical shape without them).
 */
export function eventJson(now: number, contact = false): string {
  const n = seq++;
  const c = n % 10_000;
  return JSON.stringify({
    id: `bench-${process.pid}-${n}`,
    type: n % 4 === 0 ? 'conversation.started' : n % 4 === 1 ? 'message.received' : 'message.sent',
    channel: CHANNELS[n % CHANNELS.length],
    occurred_at: now,
    customer: contact
      ? { external_id: `cust-${c}`, phone: `+86139${String(c).padStart(8, '0')}`, email: `buyer${c}@example.cn` }
      : { external_id: `cust-${c}` },
    conversation_id: `conv-${n % 10_000}`,
    agent_id: n % 4 >= 2 ? `agent-${n % 17}` : undefined,
    properties: { text: '您好，我想咨询一下企业版的价格和交付周期', source: 'bench' },
  });
}

/** Events queryable in the server's warehouse (the sum of /v1/metrics/events over the last week). */
export async function stored(s: ChildOmnilane): Promise<number> {
  const r = await fetch(`${s.url}/v1/metrics/events?from=${Date.now() - 7 * 86_400_000}&to=${Date.now() + 86_400_000}&granularity=day`, {
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  const body = (await r.json()) as { series: Array<{ value: number }> };
  return body.series.reduce((a, x) => a + x.value, 0);
}

function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

/**
 * Drives `perRequest`-event requests for `length` (seconds, or a number of requests) and waits until every accepted
 * event is queryable. A number of requests gives two configurations the same work: over a fixed time a slower one
 * sends fewer events, so each of the 10,000 bench customers comes back fewer times and the first event of a
 * customer (a new identity, session and data key) weighs more in its mix.
 */
export async function throughput(s: ChildOmnilane, perRequest: number, length: number | { requests: number }, connections: number, contact = false) {
  const before = await stored(s);
  const t0 = performance.now();
  const result = await autocannon({
    url: `${s.url}/v1/events`,
    method: 'POST',
    connections,
    ...(typeof length === 'number' ? { duration: length } : { amount: length.requests }),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST}` },
    requests: [
      {
        setupRequest: (req) => {
          const now = Date.now();
          const parts: string[] = [];
          for (let i = 0; i < perRequest; i++) parts.push(eventJson(now, contact));
          return { ...req, body: `{"events":[${parts.join(',')}]}` };
        },
      },
    ],
  });
  const sent = (result.non2xx === 0 ? result.requests.total : result['2xx']) * perRequest;
  // Wait until every accepted event is queryable.
  let now = await stored(s);
  while (now - before < sent) {
    await new Promise((r) => setTimeout(r, 50));
    now = await stored(s);
  }
  const elapsedS = (performance.now() - t0) / 1000;
  // Routing and follow-up consume the same events in groups of their own and may still be behind.
  while ((await serviceLag(s)) > 0) await new Promise((r) => setTimeout(r, 50));
  const allS = (performance.now() - t0) / 1000;
  return {
    events_per_request: perRequest,
    requests_per_s: Math.round(result.requests.average),
    http_p50_ms: result.latency.p50,
    http_p99_ms: result.latency.p99,
    non_2xx: result.non2xx,
    errors: result.errors,
    events_accepted: sent,
    events_per_s_end_to_end: Math.round(sent / elapsedS),
    /** Queryable, and routing and follow-up caught up too: what the whole pipeline keeps up with. */
    events_per_s_all_services: Math.round(sent / allS),
  };
}

/** Records routing and follow-up have not processed yet (omnilane_service_lag_records, summed). */
export async function serviceLag(s: Pick<ChildOmnilane, 'url'>): Promise<number> {
  const text = await (await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } })).text();
  return [...text.matchAll(/^omnilane_service_lag_records\{[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
}

/** Paced load at `rate` events/s for `durationS`; latency from POST to the stored count reaching that event. */
/**
 * Waits until the stored count has not moved for 3 s: requests autocannon cut off at its deadline may still land.
 * (1 s was too short: the saturated event loop can go a second without committing a batch, and events of the
 * previous phase that land during the latency phase would be taken for its own.)
 */
async function settled(s: ChildOmnilane): Promise<number> {
  let now = await stored(s);
  for (let quiet = 0; quiet < 3;) {
    await new Promise((r) => setTimeout(r, 1000));
    const next = await stored(s);
    quiet = next === now ? quiet + 1 : 0;
    now = next;
  }
  return now;
}

async function latencyAt(s: ChildOmnilane, rate: number, perRequest: number, durationS: number) {
  // The previous phase's backlog in routing and follow-up would compete with the paced load: let it drain first.
  while ((await serviceLag(s)) > 0) await new Promise((r) => setTimeout(r, 50));
  const base = await settled(s);
  const sendTimes: number[] = [];
  const lat: number[] = [];
  let seen = base;
  let polling = true;
  const poller = (async () => {
    while (polling || seen - base < sendTimes.length) {
      const c = await stored(s);
      const t = performance.now();
      for (let i = seen - base; i < Math.min(c - base, sendTimes.length); i++) lat.push(t - sendTimes[i]);
      seen = Math.max(seen, c);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const intervalMs = (1000 * perRequest) / rate;
  const start = performance.now();
  const inflight: Array<Promise<unknown>> = [];
  for (let k = 0; performance.now() - start < durationS * 1000; k++) {
    const due = start + k * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const now = Date.now();
    const events: string[] = [];
    for (let i = 0; i < perRequest; i++) events.push(eventJson(now));
    const t = performance.now();
    for (let i = 0; i < perRequest; i++) sendTimes.push(t);
    inflight.push(
      fetch(`${s.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST}` },
        body: `{"events":[${events.join(',')}]}`,
      }),
    );
  }
  await Promise.all(inflight);
  polling = false;
  await poller;
  lat.sort((a, b) => a - b);
  const q = (p: number) => Math.round(lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]);
  if (lat.length !== sendTimes.length) throw new Error(`latency phase measured ${lat.length} of ${sendTimes.length} events`);
  return { rate_events_per_s: Math.round(rate), events: lat.length, p50_ms: q(0.5), p99_ms: q(0.99), max_ms: Math.round(lat[lat.length - 1]) };
}

/**
 * The anchor, measured in the same run with the same load generator: a bare Fastify route that parses the same
 * single-event body and answers 202 (bench/anchors/bare-fastify.mjs, its own process).
 */
async function bareFastifyRequestsPerS(durationS: number, connections: number): Promise<number> {
  const port = await freePort();
  const script = join(dirname(fileURLToPath(import.meta.url)), 'anchors', 'bare-fastify.mjs');
  const proc = spawn(process.execPath, [script], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await once(proc.stdout, 'data');
    const now = Date.now();
    const result = await autocannon({
      url: `http://127.0.0.1:${port}/v1/events`,
      method: 'POST',
      connections,
      duration: durationS,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST}` },
      requests: [{ setupRequest: (req) => ({ ...req, body: `{"events":[${eventJson(now)}]}` }) }],
    });
    return Math.round(result.requests.average);
  } finally {
    proc.kill('SIGTERM');
    await once(proc, 'exit');
  }
}

export async function runPipelineBench(opts: PipelineBenchOptions = {}): Promise<Record<string, unknown>> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const durationS = opts.durationS ?? 10;
  const connections = opts.connections ?? 64;
  const dataDir = mkdtempSync(join(tmpdir(), 'omnilane-bench-'));
  const port = await freePort();
  const server = await spawnOmnilane(
    ['start'],
    { DATA_DIR: dataDir, OMNILANE_INGEST_KEY: INGEST, OMNILANE_ADMIN_KEY: ADMIN, LOG_LEVEL: 'warn', ...opts.env },
    port,
  );
  try {
    let single: (Awaited<ReturnType<typeof throughput>> & { bare_fastify_requests_per_s: number; share_of_bare: number }) | undefined;
    if (!opts.skipSingle) {
      log(`pipeline: anchor, bare Fastify single-event route for ${durationS}s (${connections} connections)…`);
      const bare = await bareFastifyRequestsPerS(durationS, connections);
      log(`pipeline: single-event requests for ${durationS}s (${connections} connections)…`);
      const measured = await throughput(server, 1, durationS, connections);
      single = { ...measured, bare_fastify_requests_per_s: bare, share_of_bare: Math.round((measured.requests_per_s / bare) * 1000) / 1000 };
    }
    log(`pipeline: 100-event requests for ${durationS}s…`);
    const batched = await throughput(server, 100, durationS, connections);
    // Half of what the whole pipeline keeps up with (routing and follow-up included), not of the stream side alone.
    const half = batched.events_per_s_all_services / 2;
    log(`pipeline: latency at half rate (${Math.round(half)} events/s)…`);
    const latency = await latencyAt(server, half, 100, Math.max(5, Math.round(durationS / 2)));
    return { single, batched, latency_at_half_rate: latency, server_peak_rss_mb: peakRssMb(server.proc.pid!) };
  } finally {
    server.proc.kill('SIGTERM');
    await waitForExit(server.proc);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
