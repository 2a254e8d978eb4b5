import type { MetricsRegistry } from '../shared/metrics.js';
import type { EngineName } from '../shared/outage-log.js';
import type { PartitionLag } from '../shared/ports/event-bus.js';

/** Rejects after `ms` with `what` timed out; `p` keeps running (its result is dropped). */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  p.catch(() => undefined);
  return Promise.race([
    p,
    new Promise<never>((_r, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export type EngineState = 'up' | 'down' | 'unused';

export interface EngineStatus {
  /** What it is, e.g. `Kafka 127.0.0.1:19092` or `DuckDB`. */
  engine: string;
  state: EngineState;
  /** Why it is down (the probe's error or timeout). */
  error?: string;
  /** How long the probe took, ms. */
  probeMs?: number;
}

export interface EngineProbe {
  name: EngineName;
  engine: string;
  used: boolean;
  /** Resolves when the engine answers; absent (embedded engines in this process) counts as up. */
  ping?: () => Promise<void>;
}

/**
 * Each engine's state for /healthz, /readyz and omnilane_engine_up: probes run
 * concurrently, each bounded by `timeoutMs`, so an answer never takes longer
 * than that whatever is down; results are reused for `cacheMs` and concurrent
 * callers share one round of probes.
 */
export class EngineMonitor {
  private last?: { at: number; status: Record<EngineName, EngineStatus> };
  private inflight?: Promise<Record<EngineName, EngineStatus>>;

  constructor(
    private readonly o: {
      probes: EngineProbe[];
      timeoutMs: number;
      cacheMs?: number;
      metrics?: MetricsRegistry;
      onUp?: (e: EngineName) => void;
      onDown?: (e: EngineName, error: string) => void;
    },
  ) {
    o.metrics?.onCollect(async () => {
      const status = await this.check();
      const g = o.metrics!.gauge(
        'omnilane_engine_up',
        'Whether each engine this process uses answered its last probe (1 up, 0 down), by engine (bus, state, warehouse).',
      );
      for (const [name, s] of Object.entries(status)) if (s.state !== 'unused') g.set({ engine: name, kind: s.engine.split(' ')[0] }, s.state === 'up' ? 1 : 0);
    });
  }

  check(): Promise<Record<EngineName, EngineStatus>> {
    if (this.last && Date.now() - this.last.at < (this.o.cacheMs ?? 1000)) return Promise.resolve(this.last.status);
    if (!this.inflight) {
      this.inflight = this.probeAll().finally(() => {
        this.inflight = undefined;
      });
    }
    return this.inflight;
  }

  private async probeAll(): Promise<Record<EngineName, EngineStatus>> {
    const entries = await Promise.all(
      this.o.probes.map(async (p): Promise<[EngineName, EngineStatus]> => {
        if (!p.used) return [p.name, { engine: p.engine, state: 'unused' }];
        if (!p.ping) return [p.name, { engine: p.engine, state: 'up' }];
        const t0 = Date.now();
        try {
          await withTimeout(p.ping(), this.o.timeoutMs, p.engine);
          this.o.onUp?.(p.name);
          return [p.name, { engine: p.engine, state: 'up', probeMs: Date.now() - t0 }];
        } catch (err) {
          const error = String((err as Error)?.message ?? err)
            .split('\n')[0]
            .slice(0, 300);
          this.o.onDown?.(p.name, error);
          return [p.name, { engine: p.engine, state: 'down', error, probeMs: Date.now() - t0 }];
        }
      }),
    );
    const status = Object.fromEntries(entries) as Record<EngineName, EngineStatus>;
    this.last = { at: Date.now(), status };
    return status;
  }
}

export interface LagReading {
  partitions: PartitionLag[];
  total: number;
  /** True when the last request failed or timed out and these are the last known values. */
  stale: boolean;
  /** Age of the values, seconds (0 when fresh). */
  ageSeconds: number;
  error?: string;
}

/**
 * Consumer lag with a bound: one request at a time (a scrape during a Kafka
 * outage never piles up admin calls), each bounded by `timeoutMs`; after a
 * failure or timeout the last known values are returned, marked stale.
 */
export class LagTracker {
  private last?: { at: number; partitions: PartitionLag[] };
  private inflight?: Promise<PartitionLag[]>;

  constructor(private readonly o: { source: () => Promise<PartitionLag[]>; timeoutMs: number; metrics?: MetricsRegistry }) {
    const m = o.metrics;
    m?.onCollect(async () => {
      const r = await this.read();
      const per = m.gauge(
        'omnilane_consumer_lag_records',
        'Consumer lag of the stream group per topic and partition: records published and not yet committed by a stream worker.',
      );
      per.reset();
      for (const p of r.partitions) per.set({ topic: p.topic, partition: p.partition }, p.lag);
      m.gauge('omnilane_stream_lag_records', 'Records on the bus not yet processed by the stream workers (consumer lag, all partitions).').set(
        undefined,
        r.total,
      );
      m.gauge(
        'omnilane_consumer_lag_age_seconds',
        'Age of the consumer lag values (0 when fresh; grows while the bus does not answer, values are the last known).',
      ).set(undefined, r.ageSeconds);
    });
  }

  async read(): Promise<LagReading> {
    if (!this.inflight) {
      this.inflight = this.o
        .source()
        .then((partitions) => {
          this.last = { at: Date.now(), partitions };
          return partitions;
        })
        .finally(() => {
          this.inflight = undefined;
        });
    }
    try {
      const partitions = await withTimeout(this.inflight, this.o.timeoutMs, 'consumer lag');
      return { partitions, total: sum(partitions), stale: false, ageSeconds: 0 };
    } catch (err) {
      const partitions = this.last?.partitions ?? [];
      return {
        partitions,
        total: sum(partitions),
        stale: true,
        ageSeconds: this.last ? (Date.now() - this.last.at) / 1000 : 0,
        error: String((err as Error)?.message ?? err).slice(0, 300),
      };
    }
  }
}

const sum = (ps: PartitionLag[]) => ps.reduce((n, p) => n + p.lag, 0);
