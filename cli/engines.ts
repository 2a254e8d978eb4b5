import { join } from 'node:path';
import type { Clock } from '../shared/clock.js';
import type { BusConfig, Config } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import type { EventBus } from '../shared/ports/event-bus.js';
import type { StateStore } from '../shared/ports/state-store.js';
import type { Warehouse } from '../shared/ports/warehouse.js';
import { InProcessBus } from '../stream/bus/in-process-bus.js';
import { KafkaBus } from '../stream/bus/kafka-bus.js';
import { MemoryStateStore } from '../stream/state/memory-state-store.js';
import { RedisStateStore } from '../stream/state/redis-state-store.js';
import { ClickHouseWarehouse } from '../warehouse/clickhouse/clickhouse-warehouse.js';
import { DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.js';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js';
import type { Observability } from './observability.js';
import { engineTls } from './tls.js';
import type { EngineProbe } from './ops.js';

// The engines (bus, state store, warehouse) picked from the config: the only file that constructs an adapter.

export interface Engines {
  bus: EventBus;
  state: StateStore;
  warehouse: Warehouse;
  /** Human-readable names of the engines in use, for the start banner. */
  names: { bus: string; state: string; warehouse: string };
  /** DATA_DIR's lock, held while an embedded engine is open; released after the engines close. */
  lock?: DataDirLock;
}

/** host:port[/path] of a URL, without credentials, for banners and logs. */
const where = (url: string) => {
  const u = new URL(url);
  return `${u.host}${u.pathname.length > 1 ? u.pathname : ''}`;
};

/**
 * Picks each port's engine from the config, independently: Kafka when
 * KAFKA_BROKERS is set, Redis when REDIS_URL is, ClickHouse when
 * CLICKHOUSE_URL is; the embedded adapter (under DATA_DIR) otherwise.
 * Distributed adapters connect on first use, so a process only talks to the
 * engines its role needs. OMNILANE_NAMESPACE prefixes Kafka topics and groups
 * and Redis keys.
 */
export async function openEngines(
  cfg: Config,
  clock: Clock,
  log: Logger,
  use: EngineUse = { bus: true, state: true, warehouse: true },
  obs?: Pick<Observability, 'outages'>,
): Promise<Engines> {
  // The embedded files belong to one process: take DATA_DIR's lock before opening any, so a second process
  // gets CFG_ERR_DATA_DIR_IN_USE naming the first instead of a DuckDB lock failure or a corrupted journal.
  const embedded = (use.bus && !cfg.kafka.brokers) || (use.state && !cfg.redis.url) || (use.warehouse && !cfg.clickhouse.url);
  const lock = embedded ? acquireDataDirLock(cfg.dataDir) : undefined;
  try {
    return { ...(await openChosenEngines(cfg, clock, log, use, obs)), ...(lock ? { lock } : {}) };
  } catch (err) {
    lock?.release();
    throw err;
  }
}

/** KafkaBus options from the config (timeouts, group timing); `outages` rate-limits kafkajs' error lines. */
export function kafkaBusOptions(cfg: Config, log: Logger, obs?: Pick<Observability, 'outages'>): ConstructorParameters<typeof KafkaBus>[0] {
  return {
    brokers: cfg.kafka.brokers ?? [],
    namespace: cfg.namespace,
    log: log.child({ stage: 'kafka' }),
    partitionsConsumedConcurrently: cfg.bus.partitions,
    publishTimeoutMs: cfg.bus.publishTimeoutMs,
    sessionTimeoutMs: cfg.kafka.sessionTimeoutMs,
    heartbeatIntervalMs: cfg.kafka.heartbeatIntervalMs,
    rebalanceTimeoutMs: cfg.kafka.rebalanceTimeoutMs,
    outages: obs?.outages,
    ...engineTls(cfg).kafka,
  };
}

async function openChosenEngines(cfg: Config, clock: Clock, log: Logger, use: EngineUse, obs?: Pick<Observability, 'outages'>): Promise<Engines> {
  const ns = cfg.namespace;
  const bus: EventBus = !use.bus
    ? unused<EventBus>('the event bus')
    : cfg.kafka.brokers
      ? new KafkaBus(kafkaBusOptions(cfg, log, obs))
      : new InProcessBus({ clock, dir: join(cfg.dataDir, 'bus'), fsync: cfg.fsync, ...busRetention(cfg.bus) });
  const state: StateStore = !use.state
    ? unused<StateStore>('the state store')
    : cfg.redis.url
      ? new RedisStateStore({
          url: cfg.redis.url,
          keyPrefix: ns ? `${ns}:` : undefined,
          log: log.child({ stage: 'redis' }),
          lazyConnect: true,
          commandTimeoutMs: cfg.redis.commandTimeoutMs,
          outages: obs?.outages,
          ...engineTls(cfg).redis,
        })
      : new MemoryStateStore({ clock, journalPath: join(cfg.dataDir, 'state', 'state.journal'), fsync: cfg.fsync });
  const warehouse = use.warehouse ? await openWarehouse(cfg, log, obs) : unused<Warehouse>('the warehouse');
  const name = (used: boolean, n: string) => (used ? n : 'not used');
  return {
    bus,
    state,
    warehouse,
    names: {
      bus: name(use.bus, cfg.kafka.brokers ? `Kafka ${cfg.kafka.brokers.join(',')}` : 'in-process log'),
      state: name(use.state, cfg.redis.url ? `Redis ${where(cfg.redis.url)}` : 'in-process store'),
      warehouse: name(use.warehouse, cfg.clickhouse.url ? `ClickHouse ${where(cfg.clickhouse.url)}` : 'DuckDB'),
    },
  };
}

/** Which engines a process opens; the others are stand-ins that refuse to be used. */
export interface EngineUse {
  bus: boolean;
  state: boolean;
  warehouse: boolean;
}

/** An engine a process's roles never touch: closing it is a no-op, anything else fails loudly. */
function unused<T extends object>(what: string): T {
  return new Proxy({} as T, {
    get: (_t, prop) =>
      prop === 'close'
        ? async () => undefined
        : prop === 'then'
          ? undefined
          : async () => {
              throw new Error(`${what} is not used by this process (its roles do not need it)`);
            },
  });
}

/** The warehouse alone (`omnilane migrate`): ClickHouse when CLICKHOUSE_URL is set, else the DuckDB file. */
export async function openWarehouse(cfg: Config, log: Logger, obs?: Pick<Observability, 'outages'>): Promise<Warehouse> {
  // Partitions are consumed concurrently, so their appends to one table meet within a few ms and go
  // out as one INSERT; each append still resolves only after that INSERT succeeded.
  return cfg.clickhouse.url
    ? new ClickHouseWarehouse({
        url: cfg.clickhouse.url,
        log: log.child({ stage: 'clickhouse' }),
        coalesce: { maxRows: 50_000, maxDelayMs: 10 },
        outages: obs?.outages,
        ...engineTls(cfg).clickhouse,
      })
    : DuckDbWarehouse.open(join(cfg.dataDir, 'warehouse', 'omnilane.duckdb'));
}

/** Each engine's health probe: the adapters that talk to a server have `ping()`; embedded ones are up while the process is. */
export function engineProbes(engines: Engines): EngineProbe[] {
  const pingOf = (e: object) => (typeof (e as { ping?: unknown }).ping === 'function' ? () => (e as { ping(): Promise<void> }).ping() : undefined);
  const probe = (name: EngineProbe['name'], engine: object, label: string): EngineProbe => {
    const used = label !== 'not used';
    return { name, engine: label, used, ping: used ? pingOf(engine) : undefined };
  };
  return [
    probe('bus', engines.bus, engines.names.bus),
    probe('state', engines.state, engines.names.state),
    probe('warehouse', engines.warehouse, engines.names.warehouse),
  ];
}

/** The embedded bus's disk bounds from the configuration (BUS_RETENTION_HOURS, BUS_RETENTION_BYTES, BUS_SEGMENT_BYTES). */
function busRetention(bus: BusConfig) {
  return { retention: { ms: bus.retentionMs, bytes: bus.retentionBytes }, segmentBytes: bus.segmentBytes };
}
