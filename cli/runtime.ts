import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { AttributionJob } from '../stream/attribution/attribution-job.js';
import { buildApp } from '../api/app.js';
import { loadOrCreateKeys, type KeyRing, type Role } from '../api/auth/key-ring.js';
import { BoardService } from '../api/board/board-service.js';
import { LiveHub } from '../api/board/live-hub.js';
import { AlertEvaluator, AlertWebhook } from '../api/alerts/index.js';
import { KpiService } from '../api/metrics/kpi-service.js';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js';
import { DemoAgents } from '../ingest/demo/demo-agents.js';
import { DemoTraffic } from '../ingest/demo/demo-traffic.js';
import { channelsConfigFrom } from '../ingest/channels/index.js';
import { sendersFromConfig } from '../ingest/outbound/senders-from-config.js';
import { IngestService } from '../ingest/ingest-service.js';
import { systemClock, type Clock } from '../shared/clock.js';
import type { Config } from '../shared/config.js';
import { OmnilaneError } from '../shared/errors.js';
import { createLogger, type Logger } from '../shared/logger.js';
import type { BusBatch, EventBus } from '../shared/ports/event-bus.js';
import { engineOf } from '../shared/outage-log.js';
import type { StateStore } from '../shared/ports/state-store.js';
import type { Warehouse } from '../shared/ports/warehouse.js';
import { InProcessBus } from '../stream/bus/in-process-bus.js';
import { KafkaBus } from '../stream/bus/kafka-bus.js';
import { EventWorker } from '../stream/event-worker.js';
import { KpiStep } from '../stream/kpis/kpi-step.js';
import { composeWorkbench, type Workbench } from '../stream/sessions/compose.js';
import { MemoryStateStore } from '../stream/state/memory-state-store.js';
import { RedisStateStore } from '../stream/state/redis-state-store.js';
import { STREAM_GROUP, TOPICS } from '../stream/topics.js';
import { startRouting, type RoutingRuntime } from './routing-runtime.js';
import type { BotReplyFn } from '../stream/bot/bot-responder.js';
import { createObservability, observeWorker, processHealth, serveStreamMetrics, type Observability } from './observability.js';
import type { EngineProbe } from './ops.js';
import { ObservedWarehouse } from '../stream/observed-warehouse.js';
import { ClickHouseWarehouse } from '../warehouse/clickhouse/clickhouse-warehouse.js';
import { DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.js';
import { FileLabelStore } from '../stream/labels/index.js';

export interface Engines {
  bus: EventBus;
  state: StateStore;
  warehouse: Warehouse;
  /** Human-readable names of the engines in use, for the start banner. */
  names: { bus: string; state: string; warehouse: string };
  /** DATA_DIR's lock, held while an embedded engine is open; released after the engines close. */
  lock?: DataDirLock;
}

/** The embedded default: everything under DATA_DIR, no servers. */
export async function openEmbeddedEngines(cfg: Config, clock: Clock): Promise<Engines> {
  const bus = new InProcessBus({ clock, dir: join(cfg.dataDir, 'bus'), fsync: cfg.fsync, ...busRetention(cfg) });
  const state = new MemoryStateStore({ clock, journalPath: join(cfg.dataDir, 'state', 'state.journal'), fsync: cfg.fsync });
  const warehouse = await DuckDbWarehouse.open(join(cfg.dataDir, 'warehouse', 'omnilane.duckdb'));
  return { bus, state, warehouse, names: { bus: 'in-process log', state: 'in-process store', warehouse: 'DuckDB' } };
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
export async function openEngines(cfg: Config, clock: Clock, log: Logger, use: EngineUse = { bus: true, state: true, warehouse: true }, obs?: Pick<Observability, 'outages'>): Promise<Engines> {
  // The embedded files belong to one process: take DATA_DIR's lock before opening any, so a second process
  // gets CFG_ERR_DATA_DIR_IN_USE naming the first instead of a DuckDB lock failure or a corrupted journal.
  const embedded = (use.bus && !cfg.kafkaBrokers) || (use.state && !cfg.redisUrl) || (use.warehouse && !cfg.clickhouseUrl);
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
    brokers: cfg.kafkaBrokers ?? [],
    namespace: cfg.namespace,
    log: log.child({ stage: 'kafka' }),
    partitionsConsumedConcurrently: cfg.busPartitions,
    publishTimeoutMs: cfg.busPublishTimeoutMs,
    sessionTimeoutMs: cfg.kafkaSessionTimeoutMs,
    heartbeatIntervalMs: cfg.kafkaHeartbeatIntervalMs,
    rebalanceTimeoutMs: cfg.kafkaRebalanceTimeoutMs,
    outages: obs?.outages,
  };
}

async function openChosenEngines(cfg: Config, clock: Clock, log: Logger, use: EngineUse, obs?: Pick<Observability, 'outages'>): Promise<Engines> {
  const ns = cfg.namespace;
  const bus: EventBus = !use.bus
    ? unused<EventBus>('the event bus')
    : cfg.kafkaBrokers
      ? new KafkaBus(kafkaBusOptions(cfg, log, obs))
      : new InProcessBus({ clock, dir: join(cfg.dataDir, 'bus'), fsync: cfg.fsync, ...busRetention(cfg) });
  const state: StateStore = !use.state
    ? unused<StateStore>('the state store')
    : cfg.redisUrl
      ? new RedisStateStore({ url: cfg.redisUrl, keyPrefix: ns ? `${ns}:` : undefined, log: log.child({ stage: 'redis' }), lazyConnect: true, commandTimeoutMs: cfg.redisCommandTimeoutMs, outages: obs?.outages })
      : new MemoryStateStore({ clock, journalPath: join(cfg.dataDir, 'state', 'state.journal'), fsync: cfg.fsync });
  const warehouse = use.warehouse ? await openWarehouse(cfg, log, obs) : unused<Warehouse>('the warehouse');
  const name = (used: boolean, n: string) => (used ? n : 'not used');
  return {
    bus,
    state,
    warehouse,
    names: {
      bus: name(use.bus, cfg.kafkaBrokers ? `Kafka ${cfg.kafkaBrokers.join(',')}` : 'in-process log'),
      state: name(use.state, cfg.redisUrl ? `Redis ${where(cfg.redisUrl)}` : 'in-process store'),
      warehouse: name(use.warehouse, cfg.clickhouseUrl ? `ClickHouse ${where(cfg.clickhouseUrl)}` : 'DuckDB'),
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
    get: (_t, prop) => (prop === 'close' ? async () => undefined : prop === 'then' ? undefined : async () => {
      throw new Error(`${what} is not used by this process (its roles do not need it)`);
    }),
  });
}

/** The warehouse alone (`omnilane migrate`): ClickHouse when CLICKHOUSE_URL is set, else the DuckDB file. */
export async function openWarehouse(cfg: Config, log: Logger, obs?: Pick<Observability, 'outages'>): Promise<Warehouse> {
  // Partitions are consumed concurrently, so their appends to one table meet within a few ms and go
  // out as one INSERT; each append still resolves only after that INSERT succeeded.
  return cfg.clickhouseUrl
    ? new ClickHouseWarehouse({ url: cfg.clickhouseUrl, log: log.child({ stage: 'clickhouse' }), coalesce: { maxRows: 50_000, maxDelayMs: 10 }, outages: obs?.outages })
    : DuckDbWarehouse.open(join(cfg.dataDir, 'warehouse', 'omnilane.duckdb'));
}

/**
 * The stream worker as every process that has the stream role builds it
 * (`omnilane start`, `omnilane stream`, `omnilane import` on the embedded
 * engines), so an import goes through exactly the steps live traffic does.
 * Not started: call `start()`.
 */
export function createStreamWorker(cfg: Config, engines: Pick<Engines, 'bus' | 'state' | 'warehouse'>, clock: Clock, log: Logger, workbench: Workbench, obs?: Observability & { sink?: ObservedWarehouse }): EventWorker {
  const warehouse = obs?.sink ?? engines.warehouse;
  const streamLog = log.child({ stage: 'stream' });
  // An engine outage fails every batch of every partition until it ends: one line per engine per interval.
  const onBatchError = obs
    ? (err: unknown, b: BusBatch) => {
        const engine = engineOf(err);
        if (engine) obs.outages.error(engine, err, 'stream batch failed; will retry', { topic: b.topic, partition: b.partition, offset: b.messages[0].offset });
        else streamLog.error({ err, topic: b.topic, partition: b.partition, offset: b.messages[0].offset }, 'stream batch failed; will retry');
      }
    : undefined;
  const worker = new EventWorker({ onBatchError, bus: engines.bus, state: engines.state, warehouse, clock, log: log.child({ stage: 'stream' }), dedupTtlMs: cfg.dedupTtlMs, stateTtlMs: cfg.stateTtlMs, sessions: workbench.sessions, kpis: new KpiStep({ state: engines.state, ttlMs: cfg.stateTtlMs, outOfOrdernessMs: cfg.kpiOutOfOrdernessMs, allowedLatenessMs: cfg.kpiAllowedLatenessMs }) });
  worker.setMaxListeners(100);
  if (obs) observeWorker(worker, obs.metrics);
  return worker;
}

/** The ingest service as POST /v1/events uses it (dedup, identity, customer dimensions); `omnilane import` shares it. */
export function createIngestService(cfg: Config, engines: Pick<Engines, 'bus' | 'state'>, clock: Clock, log: Logger, workbench: Workbench, obs?: Observability): IngestService {
  const ingest = new IngestService({ bus: engines.bus, state: engines.state, clock, log: log.child({ stage: 'ingest' }), dedupTtlMs: cfg.dedupTtlMs, identity: workbench.identity, dimensionsTtlMs: cfg.stateTtlMs, conversationExpiryMs: cfg.sessionExpiryMs, rejectedQuota: { perSource: cfg.rejectedKeepPerSource, unsignedBytes: cfg.rejectedKeepUnsignedBytes, bytesPerWindow: cfg.rejectedKeepBytesPerMin }, metrics: obs?.metrics, outages: obs?.outages });
  obs?.metrics.onCollect(() => {
    const { dropped } = ingest.rejectedStats();
    obs.metrics.counter('omnilane_rejected_payloads_dropped_total', 'Refused webhook payloads not stored because their source or the overall per-minute quota was used up (REJECTED_KEEP_*).').set(undefined, dropped.source + dropped.total);
  });
  return ingest;
}

/** Each engine's health probe: the adapters that talk to a server have `ping()`; embedded ones are up while the process is. */
function engineProbes(engines: Engines): EngineProbe[] {
  const pingOf = (e: object) => (typeof (e as { ping?: unknown }).ping === 'function' ? () => (e as { ping(): Promise<void> }).ping() : undefined);
  const probe = (name: EngineProbe['name'], engine: object, label: string): EngineProbe => {
    const used = label !== 'not used';
    return { name, engine: label, used, ping: used ? pingOf(engine) : undefined };
  };
  return [probe('bus', engines.bus, engines.names.bus), probe('state', engines.state, engines.names.state), probe('warehouse', engines.warehouse, engines.names.warehouse)];
}

/** What a process does: `omnilane start` runs all three, the others one each. */
export interface Roles {
  /** Accept events over HTTP (POST /v1/events) and publish them to the bus. */
  ingest: boolean;
  /** Consume the bus and write state and warehouse. */
  stream: boolean;
  /** Serve boards, metrics and live push over HTTP. */
  api: boolean;
}

export const ALL_ROLES: Readonly<Roles> = Object.freeze({ ingest: true, stream: true, api: true });

const isAll = (r: Roles) => r.ingest && r.stream && r.api;

/**
 * Separate processes share engines only through servers: the embedded files
 * under DATA_DIR belong to one process. Names the variable a role lacks.
 */
export function checkRolesConfig(cfg: Config, roles: Roles): void {
  if (isAll(roles)) return;
  const need: Array<[boolean, string, unknown]> = [
    [roles.ingest || roles.stream, 'KAFKA_BROKERS', cfg.kafkaBrokers],
    [roles.ingest || roles.stream, 'REDIS_URL', cfg.redisUrl],
    [roles.stream || roles.api, 'CLICKHOUSE_URL', cfg.clickhouseUrl],
  ];
  for (const [needed, name, value] of need) {
    if (needed && !value) throw new OmnilaneError('CFG_ERR_INVALID', `${name}: must be set when ingest, stream and api run as separate processes (the embedded engines belong to one process; use omnilane start)`);
  }
}

/** The api process has no worker in it: it re-reads the board about once a second instead. */
class PollingSource extends EventEmitter {
  private readonly timer: NodeJS.Timeout;
  constructor(intervalMs: number) {
    super();
    this.timer = setInterval(() => this.emit('batch'), intervalMs);
    this.timer.unref();
  }
  close(): void {
    clearInterval(this.timer);
  }
}

const notServed = (what: string, where: string) => new OmnilaneError('API_ERR_NOT_FOUND', `this process does not serve ${what}; use the omnilane ${where} process`);

/** Stands in for the warehouse in an HTTP process without the api role. */
const noBoardWarehouse: Warehouse = {
  migrate: async () => [],
  append: async () => {
    throw notServed('the warehouse', 'stream');
  },
  discardContributions: async () => {
    throw notServed('the warehouse', 'stream');
  },
  query: async () => {
    throw notServed('boards and metrics', 'api');
  },
  close: async () => undefined,
};

export interface RunningRoles {
  roles: Roles;
  engines: Engines;
  log: Logger;
  /** HTTP address when the process serves HTTP (ingest or api). */
  url?: string;
  app?: FastifyInstance;
  keys?: KeyRing;
  createdKeys: Role[];
  worker?: EventWorker;
  ingest?: IngestService;
  demo?: DemoTraffic;
  attribution?: AttributionJob;
  /** Routing desk and (stream role) service; absent when ROUTING_ENABLED=false or the process has no state store and bus. */
  routing?: RoutingRuntime;
  /** The stream process's metrics port (STREAM_METRICS_PORT): /metrics, /healthz, /readyz; absent in HTTP processes (they serve /metrics). */
  metricsUrl?: string;
  /** The process's metrics registry and outage log. */
  obs: Observability;
  /** Drains in order and closes the engines; idempotent. */
  stop(): Promise<void>;
}

export interface RunningOmnilane extends RunningRoles {
  url: string;
  app: FastifyInstance;
  keys: KeyRing;
  worker: EventWorker;
  ingest: IngestService;
}

export interface StartOptions {
  config: Config;
  demo?: boolean;
  clock?: Clock;
  log?: Logger;
  /** Engines to use instead of the ones the config picks (tests). */
  engines?: Engines;
  /** Live-push poll interval of an api process without a stream worker, ms. */
  livePollMs?: number;
  /** Metrics registry and outage log to record into (tests); default a new one per process. */
  obs?: Observability;
}

/**
 * Starts the stages of `roles` in this process: engines (picked by config),
 * migrations (stream, api), topics (ingest, stream), the stream worker
 * (stream), and the HTTP app (ingest or api) with event ingestion only in an
 * ingest process and boards/metrics only in an api process. `stop()` drains
 * in order: stop accepting, stop demo, let the worker finish its batch and
 * commit, then close the engines (which flushes pending writes).
 */
export async function startRoles(opts: StartOptions & { roles: Roles }): Promise<RunningRoles> {
  const cfg = opts.config;
  const roles = { ...opts.roles };
  checkRolesConfig(cfg, roles);
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? createLogger(cfg.logLevel);
  const obs = opts.obs ?? createObservability(cfg, log);
  // An api process uses the state store (identity graph for the workbench) only when REDIS_URL is set.
  const hasState = Boolean(opts.engines) || roles.ingest || roles.stream || (roles.api && Boolean(cfg.redisUrl));
  const engines = opts.engines ?? (await openEngines(cfg, clock, log, { bus: roles.ingest || roles.stream, state: hasState, warehouse: roles.stream || roles.api }, obs));
  const workbench = composeWorkbench(cfg, engines.state, clock, hasState, roles.stream || roles.api ? warehouseSeqFloor(engines.warehouse) : undefined);
  const http = roles.ingest || roles.api;
  let worker: EventWorker | undefined;
  let app: FastifyInstance | undefined;
  let live: LiveHub | undefined;
  let poll: PollingSource | undefined;
  let demo: DemoTraffic | undefined;
  let demoAgents: DemoAgents | undefined;
  let attribution: AttributionJob | undefined;
  let alerts: AlertEvaluator | undefined;
  let ingest: IngestService | undefined;
  let keys: KeyRing | undefined;
  let created: Role[] = [];
  let url: string | undefined;
  let ready = false;
  let stopped = false;
  let routing: RoutingRuntime | undefined;
  let sink: ObservedWarehouse | undefined;
  let metricsServer: { url: string; close(): Promise<void> } | undefined;
  // An api process without a worker reads the stream group's lag from Kafka's admin API (no group membership).
  const lagBus = !roles.stream && roles.api && cfg.kafkaBrokers ? new KafkaBus(kafkaBusOptions(cfg, log, obs)) : undefined;

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    ready = false;
    await demo?.stop();
    demoAgents?.stop();
    live?.close();
    poll?.close();
    await app?.close();
    await metricsServer?.close();
    await alerts?.stop();
    await attribution?.stop();
    await routing?.stop();
    await worker?.stop();
    await engines.bus.close();
    await engines.state.close();
    await sink?.close();
    await engines.warehouse.close();
    await lagBus?.close();
    obs.outages.close();
    engines.lock?.release();
  };

  try {
    if (roles.stream || roles.api) await engines.warehouse.migrate();
    if (roles.ingest || roles.stream) {
      await engines.bus.ensureTopic(TOPICS.events, cfg.busPartitions);
      await engines.bus.ensureTopic(TOPICS.rejected, 1);
      await engines.bus.ensureTopic(TOPICS.deadLetters, 1);
    }
    if (roles.stream) {
      sink = new ObservedWarehouse(engines.warehouse, { metrics: obs.metrics, log: log.child({ stage: 'sink' }), stallWarnMs: cfg.sinkStallWarnMs, outages: obs.outages });
      worker = createStreamWorker(cfg, engines, clock, log, workbench, { ...obs, sink });
      await worker.start();
    }
    const w0 = worker;
    const lagBusRef = lagBus;
    const health = processHealth({
      cfg,
      roles,
      probes: engineProbes(engines),
      metrics: obs.metrics,
      outages: obs.outages,
      started: () => ready,
      worker: w0,
      lag: w0 ? () => w0.partitionLag() : lagBusRef ? () => lagBusRef.groupLag(STREAM_GROUP, [TOPICS.events, TOPICS.rejected]) : undefined,
    });
    if (roles.stream && !http) metricsServer = await serveStreamMetrics(health, cfg, log);
    if (cfg.routingEnabled && hasState && (roles.stream || roles.ingest)) {
      routing = await startRouting({ cfg, engines, clock, log, demo: Boolean(opts.demo), service: roles.stream });
    }
    if (roles.stream || roles.api) {
      attribution = new AttributionJob({ warehouse: engines.warehouse, clock, log: log.child({ stage: 'attribution' }), intervalMs: cfg.attributionIntervalMs, lookbackDays: cfg.attributionLookbackDays });
      // Only a stream process runs the schedule; an api process serves reads and POST /v1/attribution/run.
      if (roles.stream) attribution.start();
    }
    if (http) {
      ({ ring: keys, created } = loadOrCreateKeys(join(cfg.dataDir, 'keys.json'), cfg, routing?.desk.roster.agents ?? []));
      if (roles.ingest) ingest = createIngestService(cfg, engines, clock, log, workbench, obs);
      // buildApp wants every dependency; a process without a role answers its routes with 404.
      const ingestOrStub = ingest ?? ({ ingest: async () => { throw notServed('event ingestion', 'ingest'); } } as unknown as IngestService);
      const warehouse = roles.api ? engines.warehouse : noBoardWarehouse;
      const kpis = new KpiService(warehouse, cfg.kpiTimeZone);
      // Alert rules are evaluated where KPIs are served: in processes with the api role.
      if (roles.api) {
        const webhook = cfg.alertWebhookUrl ? new AlertWebhook({ url: cfg.alertWebhookUrl, log: log.child({ stage: 'alerts' }) }) : undefined;
        alerts = new AlertEvaluator({ rules: [...cfg.alertRules], kpis, clock, intervalMs: cfg.alertIntervalMs, webhook, log: log.child({ stage: 'alerts' }) });
      }
      const board = new BoardService(warehouse, clock, { kpis, alerts });
      const source = worker ?? (poll = new PollingSource(opts.livePollMs ?? 1000));
      live = new LiveHub(board, source, log.child({ stage: 'live' }), { maxPerKey: cfg.liveMaxConnectionsPerKey });
      app = await buildApp({
        log,
        clock,
        keys,
        ingest: ingestOrStub,
        warehouse,
        board,
        live,
        kpis,
        alerts,
        attribution,
        workbench: roles.api ? workbench : undefined,
        ...(ingest ? { channels: { ingest, state: engines.state, config: channelsConfigFrom(cfg), clock, log } } : {}),
        webchat: ingest
          ? { state: engines.state, siteKeys: cfg.webchatSiteKeys, replayMs: cfg.webchatReplayMs, conversationTtlMs: cfg.stateTtlMs, ...(cfg.redisUrl ? { redis: { url: cfg.redisUrl, namespace: cfg.namespace } } : {}) }
          : undefined,
        senders: sendersFromConfig(cfg),
        routing: routing?.desk,
        experimentState: engines.state,
        // Labels are files under this process's DATA_DIR, also in distributed mode (docs/ai.md).
        ...(roles.api ? { labels: new FileLabelStore(cfg.dataDir) } : {}),
        health,
        ...(routing?.bot ? { botReplies: (reply: BotReplyFn) => void (routing!.bot!.reply = reply) } : {}),
      });
      const address = await app.listen({ port: cfg.port, host: cfg.host });
      url = address.replace('[::1]', 'localhost');
    }
    alerts?.start();
    if (opts.demo && ingest) {
      // With a routing desk, simulated agents take offers and the traffic paces conversations by the roster's
      // capacity (55–85 % load in waves), so the board's load and queues move instead of saturating.
      if (routing?.service) demoAgents = new DemoAgents({ desk: routing.desk, clock, log: log.child({ stage: 'demo-agents' }) });
      demo = new DemoTraffic({ ingest, clock, log: log.child({ stage: 'demo' }), rate: cfg.demoRate, pacing: demoAgents?.pacing() });
      await demo.start();
      demoAgents?.start();
    }
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  ready = true;
  return { roles, engines, log, url, app, keys, createdKeys: created, worker, ingest, demo, attribution, routing, metricsUrl: metricsServer?.url, obs, stop };
}

/**
 * Starts every stage in one process (`omnilane start`): engines, migrations,
 * stream worker, ingest, API and dashboard, and optionally demo traffic.
 */
export async function startOmnilane(opts: StartOptions): Promise<RunningOmnilane> {
  const r = await startRoles({ ...opts, roles: { ...ALL_ROLES } });
  return r as RunningOmnilane;
}

/** The embedded bus's disk bounds from the configuration (BUS_RETENTION_HOURS, BUS_RETENTION_BYTES, BUS_SEGMENT_BYTES). */
/** The identity counter's floor from the warehouse (an ingest-only process has none: the seqs it sees guard it). */
function warehouseSeqFloor(warehouse: Warehouse): () => Promise<number> {
  return async () => Number((await warehouse.query<{ seq: unknown }>('customer_seq_max'))[0]?.seq ?? 0);
}

function busRetention(cfg: Config) {
  return { retention: { ms: cfg.busRetentionMs, bytes: cfg.busRetentionBytes }, segmentBytes: cfg.busSegmentBytes };
}
