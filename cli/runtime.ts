import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../api/app.js';
import { loadOrCreateKeys, type KeyRing, type Role } from '../api/auth/key-ring.js';
import { BoardService } from '../api/board/board-service.js';
import { LiveHub } from '../api/board/live-hub.js';
import { DemoTraffic } from '../ingest/demo/demo-traffic.js';
import { IngestService } from '../ingest/ingest-service.js';
import { systemClock, type Clock } from '../shared/clock.js';
import type { Config } from '../shared/config.js';
import { createLogger, type Logger } from '../shared/logger.js';
import type { EventBus } from '../shared/ports/event-bus.js';
import type { StateStore } from '../shared/ports/state-store.js';
import type { Warehouse } from '../shared/ports/warehouse.js';
import { InProcessBus } from '../stream/bus/in-process-bus.js';
import { EventWorker } from '../stream/event-worker.js';
import { MemoryStateStore } from '../stream/state/memory-state-store.js';
import { TOPICS } from '../stream/topics.js';
import { DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.js';

export interface Engines {
  bus: EventBus;
  state: StateStore;
  warehouse: Warehouse;
  /** Human-readable names of the engines in use, for the start banner. */
  names: { bus: string; state: string; warehouse: string };
}

/** The embedded default: everything under DATA_DIR, no servers. */
export async function openEmbeddedEngines(cfg: Config, clock: Clock): Promise<Engines> {
  const bus = new InProcessBus({ clock, dir: join(cfg.dataDir, 'bus'), fsync: cfg.fsync });
  const state = new MemoryStateStore({ clock, journalPath: join(cfg.dataDir, 'state', 'state.journal'), fsync: cfg.fsync });
  const warehouse = await DuckDbWarehouse.open(join(cfg.dataDir, 'warehouse', 'omnilane.duckdb'));
  return { bus, state, warehouse, names: { bus: 'in-process log', state: 'in-process store', warehouse: 'DuckDB' } };
}

export interface RunningOmnilane {
  url: string;
  app: FastifyInstance;
  keys: KeyRing;
  createdKeys: Role[];
  engines: Engines;
  worker: EventWorker;
  ingest: IngestService;
  demo?: DemoTraffic;
  log: Logger;
  stop(): Promise<void>;
}

export interface StartOptions {
  config: Config;
  demo?: boolean;
  clock?: Clock;
  log?: Logger;
  /** Engines to use instead of the ones the config picks (tests). */
  engines?: Engines;
}

/**
 * Starts every stage in one process: engines, migrations, stream worker,
 * ingest, API and dashboard, and optionally demo traffic. `stop()` drains in
 * order: stop accepting, stop demo, let the worker finish its batch and
 * commit, then close the engines.
 */
export async function startOmnilane(opts: StartOptions): Promise<RunningOmnilane> {
  const cfg = opts.config;
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? createLogger(cfg.logLevel);
  const engines = opts.engines ?? (await openEmbeddedEngines(cfg, clock));
  await engines.warehouse.migrate();
  await engines.bus.ensureTopic(TOPICS.events, cfg.busPartitions);
  await engines.bus.ensureTopic(TOPICS.rejected, 1);
  const { ring, created } = loadOrCreateKeys(join(cfg.dataDir, 'keys.json'), cfg);

  const worker = new EventWorker({ bus: engines.bus, state: engines.state, warehouse: engines.warehouse, clock, log: log.child({ stage: 'stream' }), dedupTtlMs: cfg.dedupTtlMs, stateTtlMs: cfg.stateTtlMs });
  worker.setMaxListeners(100);
  await worker.start();
  const ingest = new IngestService({ bus: engines.bus, state: engines.state, clock, log: log.child({ stage: 'ingest' }), dedupTtlMs: cfg.dedupTtlMs });
  const board = new BoardService(engines.warehouse, clock);
  const live = new LiveHub(board, worker, log.child({ stage: 'live' }));
  let ready = false;
  const app = await buildApp({
    log,
    clock,
    keys: ring,
    ingest,
    warehouse: engines.warehouse,
    board,
    live,
    health: {
      ready: () => ready,
      details: async () => ({ engines: engines.names, processed: worker.processed, lag: await worker.lag() }),
    },
  });
  const address = await app.listen({ port: cfg.port, host: cfg.host });
  const url = address.replace('[::1]', 'localhost');
  let demo: DemoTraffic | undefined;
  if (opts.demo) {
    demo = new DemoTraffic({ ingest, clock, log: log.child({ stage: 'demo' }), rate: cfg.demoRate });
    await demo.start();
  }
  ready = true;

  let stopped = false;
  return {
    url,
    app,
    keys: ring,
    createdKeys: created,
    engines,
    worker,
    ingest,
    demo,
    log,
    async stop() {
      if (stopped) return;
      stopped = true;
      ready = false;
      demo?.stop();
      live.close();
      await app.close();
      await worker.stop();
      await engines.bus.close();
      await engines.state.close();
      await engines.warehouse.close();
    },
  };
}
