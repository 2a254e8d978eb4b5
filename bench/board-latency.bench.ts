/**
 * Event → board latency (issue 6): an embedded Omnilane (its own process, the built CLI) takes inquiries at a
 * steady rate while this process follows the board's live stream (`GET /v1/live`, SSE) like a browser does. An
 * inquiry's latency is the time from sending its POST to the first board snapshot whose `kpis.inquiries` counts
 * it. Load generator, server and reader share the 2 cores.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnOmnilane, waitForExit } from '../test/support/child-process.js';

const INGEST = 'bench-ingest-key-0123456789';
const ADMIN = 'bench-admin-key-0123456789';

/** Follows /v1/live and calls `onInquiries` with each snapshot's window count. */
async function follow(url: string, onInquiries: (n: number, at: number) => void, signal: AbortSignal): Promise<void> {
  const res = await fetch(`${url}/v1/live?minutes=60`, { headers: { authorization: `Bearer ${ADMIN}` }, signal });
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
    if (done) return;
    buf += dec.decode(value, { stream: true });
    let i;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const data = block
        .split('\n')
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n');
      if (!block.includes('event: board') || !data) continue;
      const snap = JSON.parse(data) as { kpis?: { inquiries: number | null } };
      onInquiries(snap.kpis?.inquiries ?? 0, performance.now());
    }
  }
}

export async function runBoardLatencyBench(opts: { rate?: number; durationS?: number; perRequest?: number; log?: (l: string) => void } = {}) {
  const rate = opts.rate ?? 2000;
  const durationS = opts.durationS ?? 10;
  const perRequest = opts.perRequest ?? 50;
  const log = opts.log ?? (() => undefined);
  const dataDir = mkdtempSync(join(tmpdir(), 'omnilane-boardbench-'));
  const server = await spawnOmnilane(
    ['start'],
    { DATA_DIR: dataDir, OMNILANE_INGEST_KEY: INGEST, OMNILANE_ADMIN_KEY: ADMIN, LOG_LEVEL: 'warn' },
    await freePort(),
  );
  const stop = new AbortController();
  try {
    const sent: number[] = [];
    const lat: number[] = [];
    let counted = 0;
    let base: number | null = null;
    const reading = follow(
      server.url,
      (n, at) => {
        if (base === null) base = n;
        for (let k = counted; k < Math.min(n - base, sent.length); k++) lat.push(at - sent[k]);
        counted = Math.max(counted, Math.min(n - base, sent.length));
      },
      stop.signal,
    );
    while (base === null) await new Promise((r) => setTimeout(r, 20));
    log(`board latency: ${rate} inquiries/s for ${durationS}s, following /v1/live…`);
    const interval = (1000 * perRequest) / rate;
    const start = performance.now();
    const inflight: Array<Promise<unknown>> = [];
    for (let k = 0; performance.now() - start < durationS * 1000; k++) {
      const wait = start + k * interval - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const now = Date.now();
      const events = Array.from({ length: perRequest }, (_, i) => ({
        id: `lat-${k}-${i}`,
        type: 'conversation.started',
        channel: 'wechat',
        occurred_at: now,
        customer: { external_id: `c-${k}-${i}` },
        conversation_id: `lc-${k}-${i}`,
        properties: { source: 'bench', tag: 'normal', text: '你好' },
      }));
      const t = performance.now();
      for (let i = 0; i < perRequest; i++) sent.push(t);
      inflight.push(
        fetch(`${server.url}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST}` },
          body: JSON.stringify({ events }),
        }),
      );
    }
    await Promise.all(inflight);
    const until = performance.now() + 30_000;
    while (counted < sent.length && performance.now() < until) await new Promise((r) => setTimeout(r, 50));
    stop.abort();
    await reading.catch(() => undefined);
    if (lat.length < sent.length) throw new Error(`only ${lat.length} of ${sent.length} inquiries reached the board`);
    lat.sort((a, b) => a - b);
    const q = (p: number) => Math.round(lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]);
    return { rate_events_per_s: rate, events: lat.length, p50_ms: q(0.5), p99_ms: q(0.99), max_ms: Math.round(lat[lat.length - 1]) };
  } finally {
    stop.abort();
    server.proc.kill('SIGTERM');
    await waitForExit(server.proc);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
