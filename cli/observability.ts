import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HealthProbe } from '../api/routes/health.js';
import type { ObservabilityConfig } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import { MetricsRegistry } from '../shared/metrics.js';
import { OutageLog, type EngineName } from '../shared/outage-log.js';
import type { PartitionLag } from '../shared/ports/event-bus.js';
import type { BatchTiming, EventWorker } from '../stream/event-worker.js';
import { EngineMonitor, LagTracker, type EngineProbe } from './ops.js';

/** What every process records into: one metrics registry and one rate-limited outage log. */
export interface Observability {
  metrics: MetricsRegistry;
  outages: OutageLog;
}

export function createObservability(cfg: Pick<ObservabilityConfig, 'outageLogIntervalMs'>, log: Logger): Observability {
  const metrics = new MetricsRegistry();
  const errors = metrics.counter(
    'omnilane_engine_errors_total',
    'Errors reported by each engine (bus, state, warehouse), rate-limited in the log but all counted here.',
  );
  const outages = new OutageLog({ log: log.child({ stage: 'outage' }), intervalMs: cfg.outageLogIntervalMs, onError: (engine) => errors.inc({ engine }) });
  metrics.onCollect(() => {
    const mem = process.memoryUsage();
    metrics.gauge('omnilane_process_resident_memory_bytes', 'Resident memory of this process.').set(undefined, mem.rss);
    metrics.gauge('omnilane_process_heap_used_bytes', 'V8 heap in use.').set(undefined, mem.heapUsed);
    metrics.gauge('omnilane_process_uptime_seconds', 'Seconds since this process started.').set(undefined, process.uptime());
  });
  return { metrics, outages };
}

/** Records the stream worker's batches, counts and dedup hits into the registry. */
export function observeWorker(worker: EventWorker, metrics: MetricsRegistry): void {
  const latency = metrics.histogram(
    'omnilane_stream_batch_duration_seconds',
    'Time the stream worker took per bus batch (decode, dedup, state, warehouse writes), by topic and outcome.',
  );
  const size = metrics.histogram('omnilane_stream_batch_messages', 'Messages per bus batch handled by the stream worker.', [1, 10, 100, 500, 1000, 2500, 5000]);
  const failures = metrics.counter(
    'omnilane_stream_batch_failures_total',
    'Bus batches the stream worker failed (retried after a backoff), by topic and partition.',
  );
  worker.on('batch-timing', (t: BatchTiming) => {
    latency.observe({ topic: t.topic, outcome: t.ok ? 'ok' : 'failed' }, t.seconds);
    size.observe({ topic: t.topic }, t.messages);
    if (!t.ok) failures.inc({ topic: t.topic, partition: t.partition });
  });
  metrics.onCollect(() => {
    metrics
      .counter('omnilane_stream_events_processed_total', "Events counted by this process's stream worker since start (duplicates excluded).")
      .set(undefined, worker.processed);
    metrics
      .counter(
        'omnilane_stream_dedup_hits_total',
        "Bus messages this process's stream worker skipped because their id was already counted (redelivery, a client's retry after a timeout).",
      )
      .set(undefined, worker.duplicates);
    metrics
      .counter(
        'omnilane_late_events_total',
        "Events that arrived after the KPI watermark passed their minute (recorded in late_events; counted all the same), this process's worker since start.",
      )
      .set(undefined, worker.lateEvents);
    const r = worker.recoveryStats;
    metrics
      .counter('omnilane_state_losses_total', 'Times the stream worker found the StateStore emptied (no epoch marker while the warehouse holds events).')
      .set(undefined, r.losses);
    metrics
      .counter(
        'omnilane_state_dedup_from_warehouse_total',
        'Ids unknown to the StateStore that the warehouse showed already counted (dedup across a state loss).',
      )
      .set(undefined, r.dedupFromWarehouse);
    const rebuilt = metrics.counter('omnilane_state_rebuilt_total', 'KPI states the StateStore had lost, rebuilt by folding stored events, by kind.');
    rebuilt.set({ kind: 'conversation' }, r.conversationsRebuilt);
    rebuilt.set({ kind: 'customer' }, r.customersRebuilt);
  });
}

export interface ProcessHealthOptions {
  cfg: Pick<ObservabilityConfig, 'probeTimeoutMs'>;
  roles: Record<string, boolean>;
  probes: EngineProbe[];
  metrics: MetricsRegistry;
  outages: OutageLog;
  started: () => boolean;
  /** Consumer lag of the stream group (a worker's own subscriptions, or an admin read of the group). */
  lag?: () => Promise<PartitionLag[]>;
  worker?: EventWorker;
}

/**
 * /healthz, /readyz and /metrics for one process: engine probes and the lag read
 * are bounded by PROBE_TIMEOUT_MS and fall back to last known values, so none
 * of them waits on an engine that is down.
 */
export function processHealth(o: ProcessHealthOptions): HealthProbe & { monitor: EngineMonitor } {
  const monitor = new EngineMonitor({
    probes: o.probes,
    timeoutMs: o.cfg.probeTimeoutMs,
    metrics: o.metrics,
    onUp: (e: EngineName) => o.outages.recovered(e),
    // An idle process (no traffic) learns of an outage only from its probes: they report it too, rate-limited.
    onDown: (e: EngineName, error: string) => o.outages.error(e, new Error(error), 'engine probe failed'),
  });
  const lag = o.lag ? new LagTracker({ source: o.lag, timeoutMs: o.cfg.probeTimeoutMs, metrics: o.metrics }) : undefined;
  const w = o.worker;
  return {
    monitor,
    ready: o.started,
    async details() {
      const [engines, l] = await Promise.all([monitor.check(), lag?.read()]);
      const down = Object.entries(engines)
        .filter(([, s]) => s.state === 'down')
        .map(([n]) => n);
      return {
        status: down.length ? 'degraded' : 'ok',
        ...(down.length ? { down } : {}),
        roles: o.roles,
        engines,
        ...(l ? { lag: l.total, lagStale: l.stale, ...(l.stale ? { lagAgeSeconds: l.ageSeconds } : {}) } : {}),
        ...(w ? { processed: w.processed, lateEvents: w.lateEvents, duplicates: w.duplicates } : {}),
      };
    },
    async readiness() {
      if (!o.started()) return { ready: false, reason: 'starting' };
      const engines = await monitor.check();
      const down = Object.entries(engines).filter(([, s]) => s.state === 'down');
      return down.length ? { ready: false, reason: `engine down: ${down.map(([n, s]) => `${n} (${s.engine}: ${s.error})`).join('; ')}` } : { ready: true };
    },
    metrics: () => o.metrics.render(),
  };
}

/**
 * The stream process's small HTTP port (STREAM_METRICS_PORT): GET /metrics
 * (Prometheus text), /healthz and /readyz, without authentication (it serves
 * no data; bind it to a private address with HOST). When the port is taken
 * (several workers on one machine) it falls back to a free port and says so.
 */
export async function serveStreamMetrics(
  health: HealthProbe,
  cfg: { host: string; streamMetricsPort: number },
  log: Logger,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const fail = (err: unknown) => json(500, { code: 'API_ERR_INTERNAL', message: String((err as Error)?.message ?? err) });
    if (req.method !== 'GET') return json(404, { code: 'API_ERR_NOT_FOUND', message: `no route ${req.method} ${path}` });
    if (path === '/metrics') {
      (health.metrics ? health.metrics() : Promise.resolve('')).then(
        (text) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text),
        fail,
      );
    } else if (path === '/healthz') {
      if (!health.ready()) return json(503, { code: 'API_ERR_NOT_READY', message: 'starting' });
      health.details().then((d) => json(200, { status: d.status === 'degraded' ? 'degraded' : 'ok', ...d }), fail);
    } else if (path === '/readyz') {
      (health.readiness ? health.readiness() : Promise.resolve({ ready: health.ready(), reason: 'starting' })).then(
        (r) => (r.ready ? json(200, { status: 'ready' }) : json(503, { code: 'API_ERR_NOT_READY', message: r.reason ?? 'not ready' })),
        fail,
      );
    } else json(404, { code: 'API_ERR_NOT_FOUND', message: `no route GET ${path} (try /metrics, /healthz, /readyz)` });
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, cfg.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  try {
    await listen(cfg.streamMetricsPort);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || cfg.streamMetricsPort === 0) throw err;
    await listen(0);
    log.warn(
      { wanted: cfg.streamMetricsPort, port: (server.address() as AddressInfo).port },
      `STREAM_METRICS_PORT ${cfg.streamMetricsPort} is taken (another worker on this machine?); serving metrics on a free port instead`,
    );
  }
  const { port } = server.address() as AddressInfo;
  const host = cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
