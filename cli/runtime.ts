import { EventEmitter } from 'node:events';
import type { FastifyInstance } from 'fastify';
import { AttributionJob } from '../stream/attribution/attribution-job.js';
import { buildApp } from '../api/app.js';
import type { AccessService } from '../api/auth/access-service.js';
import type { BootstrapResult } from '../api/auth/access-bootstrap.js';
import type { LiveHub } from '../api/board/live-hub.js';
import type { AlertEvaluator } from '../api/alerts/index.js';
import { DemoAgents } from '../ingest/demo/demo-agents.js';
import { DemoTraffic } from '../ingest/demo/demo-traffic.js';
import { channelsConfigFrom } from '../ingest/channels/index.js';
import { sendersFromConfig } from '../ingest/outbound/senders-from-config.js';
import type { EventIngest } from '../ingest/event-ingest.js';
import type { IngestService } from '../ingest/ingest-service.js';
import { systemClock, type Clock } from '../shared/clock.js';
import type { Config } from '../shared/config.js';
import { OmnilaneError } from '../shared/errors.js';
import { createLogger, type Logger } from '../shared/logger.js';
import type { Warehouse } from '../shared/ports/warehouse.js';
import { KafkaBus } from '../stream/bus/kafka-bus.js';
import type { EventWorker } from '../stream/event-worker.js';
import { STREAM_GROUP, TOPICS } from '../shared/topics.js';
import { startRouting, type RoutingRuntime } from './routing-runtime.js';
import { followupOn, startFollowup, type FollowupRuntime } from './followup-runtime.js';
import { demoAnswers, startDemoProviders, type DemoProviders } from '../ingest/demo/demo-providers.js';
import { seededRng } from '../shared/random.js';
import { createObservability, processHealth, serveStreamMetrics, type Observability } from './observability.js';
import { ROUTING_GROUP } from '../stream/routing/routing-service.js';
import { ThreadedIntentClassifier } from '../stream/intent/threaded-classifier.js';
import { FOLLOWUP_GROUP } from '../stream/followup/followup-service.js';
import { ObservedWarehouse } from '../stream/observed-warehouse.js';
import { FileLabelStore } from '../stream/labels/index.js';
import type { AuditLog } from '../api/audit/audit-log.js';
import { privateUmask, restrictDataDir } from '../shared/private-files.js';
import { engineTls, serverTls } from './tls.js';
import { engineProbes, kafkaBusOptions, openEngines, type Engines } from './engines.js';
import { DeadLetterRetention } from '../stream/privacy/dead-letter-retention.js';
import { composeErasure, composeWorkbench, verifyPrivacyKeys, createIngestService, createStreamWorker } from './compose-pipeline.js';
import {
  composeAccess,
  composeAlerts,
  composeAudit,
  composeExperiments,
  composeSecurity,
  composeBoard,
  composeClassifier,
  composeKpis,
  composeMessaging,
  type ComposedMessaging,
} from './compose-api.js';

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
    [roles.ingest || roles.stream, 'KAFKA_BROKERS', cfg.kafka.brokers],
    [roles.ingest || roles.stream, 'REDIS_URL', cfg.redis.url],
    [roles.stream || roles.api, 'CLICKHOUSE_URL', cfg.clickhouse.url],
  ];
  for (const [needed, name, value] of need) {
    if (needed && !value)
      throw new OmnilaneError(
        'CFG_ERR_INVALID',
        `${name}: must be set when ingest, stream and api run as separate processes (the embedded engines belong to one process; use omnilane start)`,
      );
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

const notServed = (what: string, where: string) =>
  new OmnilaneError('API_ERR_NOT_FOUND', `this process does not serve ${what}; use the omnilane ${where} process`);

/** Stands in for the warehouse in an HTTP process without the api role. */
const noBoardWarehouse: Warehouse = {
  migrate: async () => [],
  append: async () => {
    throw notServed('the warehouse', 'stream');
  },
  discardContributions: async () => {
    throw notServed('the warehouse', 'stream');
  },
  eraseRows: async () => {
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
  /** Users, keys and sessions (HTTP processes). */
  access?: AccessService;
  /** What the start generated (an admin password, roster users, an ingest key) and the 0600 file it is in. */
  credentials?: BootstrapResult;
  worker?: EventWorker;
  ingest?: IngestService;
  demo?: DemoTraffic;
  attribution?: AttributionJob;
  /** Routing desk and (stream role) service; absent when ROUTING_ENABLED=false or the process has no state store and bus. */
  routing?: RoutingRuntime;
  /** Follow-up store and (stream role) service; absent when follow-up is off (FOLLOWUP_ENABLED) or there is no state store. */
  followup?: FollowupRuntime;
  /** --demo: the loopback stand-in provider the senders of unconfigured channels post to. */
  demoProviders?: DemoProviders;
  /** The stream process's metrics port (STREAM_METRICS_PORT): /metrics, /healthz, /readyz; absent in HTTP processes (they serve /metrics). */
  metricsUrl?: string;
  /** The process's metrics registry and outage log. */
  obs: Observability;
  /** The audit log (processes with the api role). */
  audit?: AuditLog;
  /** Drains in order and closes the engines; idempotent. */
  stop(): Promise<void>;
}

export interface RunningOmnilane extends RunningRoles {
  url: string;
  app: FastifyInstance;
  access: AccessService;
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
  // DATA_DIR holds keys, the audit key and personal data: owner-only (0700 folders, 0600 files), also for
  // what the engines create from now on (the umask is process-wide; Omnilane writes nothing meant for others).
  privateUmask();
  restrictDataDir(cfg.dataDir);
  const obs = opts.obs ?? createObservability(cfg.observability, log);
  // An api process uses the state store (identity graph for the workbench) only when REDIS_URL is set.
  const hasState = Boolean(opts.engines) || roles.ingest || roles.stream || (roles.api && Boolean(cfg.redis.url));
  const engines =
    opts.engines ?? (await openEngines(cfg, clock, log, { bus: roles.ingest || roles.stream, state: hasState, warehouse: roles.stream || roles.api }, obs));
  const workbench = composeWorkbench(cfg, engines.state, clock, hasState, roles.stream || roles.api ? engines.warehouse : undefined);
  if (hasState) await verifyPrivacyKeys(cfg, engines.state, log);
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
  let access: AccessService | undefined;
  let credentials: BootstrapResult | undefined;
  let url: string | undefined;
  let ready = false;
  let stopped = false;
  let routing: RoutingRuntime | undefined;
  let followup: FollowupRuntime | undefined;
  let demoProviders: DemoProviders | undefined;
  const senders = sendersFromConfig(cfg.channels);
  let sink: ObservedWarehouse | undefined;
  let messaging: ComposedMessaging | undefined;
  let audit: AuditLog | undefined;
  let metricsServer: { url: string; close(): Promise<void> } | undefined;
  let deadLetterRetention: DeadLetterRetention | undefined;
  let classifier: ThreadedIntentClassifier | undefined;
  // An api process without a worker reads the stream group's lag from Kafka's admin API (no group membership).
  const lagBus = !roles.stream && roles.api && cfg.kafka.brokers ? new KafkaBus(kafkaBusOptions(cfg, log, obs)) : undefined;

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    ready = false;
    await demo?.stop();
    demoAgents?.stop();
    live?.close();
    poll?.close();
    await app?.close();
    await audit?.close();
    await messaging?.close();
    await metricsServer?.close();
    await alerts?.stop();
    await attribution?.stop();
    await routing?.stop();
    await followup?.stop();
    await classifier?.close();
    await demoProviders?.close();
    deadLetterRetention?.stop();
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
      await engines.bus.ensureTopic(TOPICS.events, cfg.bus.partitions);
      await engines.bus.ensureTopic(TOPICS.rejected, 1);
      await engines.bus.ensureTopic(TOPICS.deadLetters, 1);
    }
    if (roles.stream) {
      sink = new ObservedWarehouse(engines.warehouse, {
        metrics: obs.metrics,
        log: log.child({ stage: 'sink' }),
        stallWarnMs: cfg.observability.sinkStallWarnMs,
        outages: obs.outages,
      });
      worker = createStreamWorker(cfg, engines, clock, log, workbench, { ...obs, sink });
      await worker.start();
      if (cfg.privacy.encryption) {
        deadLetterRetention = new DeadLetterRetention({ personal: workbench.personal, clock, days: cfg.privacy.deadLetterDays });
        deadLetterRetention.start((err) => log.warn({ err }, 'dead-letter retention failed; retried within the hour'));
      }
    }
    const w0 = worker;
    const lagBusRef = lagBus;
    const health = processHealth({
      cfg: cfg.observability,
      roles,
      probes: engineProbes(engines),
      metrics: obs.metrics,
      outages: obs.outages,
      started: () => ready,
      worker: w0,
      lag: w0 ? () => w0.partitionLag() : lagBusRef ? () => lagBusRef.groupLag(STREAM_GROUP, [TOPICS.events, TOPICS.rejected]) : undefined,
    });
    if (roles.stream && !http)
      metricsServer = await serveStreamMetrics(health, { host: cfg.server.host, streamMetricsPort: cfg.observability.streamMetricsPort }, log);
    // Routing's triage and follow-up classify customers' words on a thread of their own (the second core).
    if (roles.stream && hasState && (cfg.routing.enabled || followupOn(cfg.followup, Boolean(opts.demo))))
      classifier = new ThreadedIntentClassifier((err) => log.warn({ err }, 'intent classifier thread failed; classifying on the main thread'));
    if (cfg.routing.enabled && hasState && (roles.stream || roles.ingest)) {
      routing = await startRouting({ cfg, engines, clock, log, demo: Boolean(opts.demo), service: roles.stream, personal: workbench.personal, classifier });
    }
    if (opts.demo && (roles.stream || roles.ingest)) demoProviders = await startDemoProviders(senders, log.child({ stage: 'demo' }));
    if (followupOn(cfg.followup, Boolean(opts.demo)) && hasState) {
      followup = await startFollowup({
        cfg,
        engines,
        clock,
        log,
        demo: Boolean(opts.demo),
        service: roles.stream,
        senders,
        baseUrl: () => url,
        personal: workbench.personal,
        classifier,
      });
    }
    observeServiceLag(obs.metrics, { [ROUTING_GROUP]: routing?.service, [FOLLOWUP_GROUP]: followup?.service });
    if (roles.stream || roles.api) {
      attribution = new AttributionJob({
        warehouse: engines.warehouse,
        clock,
        log: log.child({ stage: 'attribution' }),
        intervalMs: cfg.attribution.intervalMs,
        lookbackDays: cfg.attribution.lookbackDays,
      });
      // Only a stream process runs the schedule; an api process serves reads and POST /v1/attribution/run.
      if (roles.stream) attribution.start();
    }
    if (http) {
      ({ access, credentials } = await composeAccess({
        cfg,
        state: hasState ? engines.state : undefined,
        warehouse: roles.stream || roles.api ? engines.warehouse : undefined,
        clock,
        roster: routing?.desk.roster.agents ?? [],
      }));
      if (roles.ingest) ingest = createIngestService(cfg, engines, clock, log, workbench, obs);
      // buildApp wants every dependency; a process without a role answers its routes with 404.
      const ingestOrStub: EventIngest = ingest ?? {
        ingest: async () => {
          throw notServed('event ingestion', 'ingest');
        },
      };
      const warehouse = roles.api ? engines.warehouse : noBoardWarehouse;
      const kpis = composeKpis(cfg.kpi, warehouse);
      // Alert rules are evaluated where KPIs are served: in processes with the api role.
      if (roles.api) alerts = composeAlerts(cfg.alerts, kpis, clock, log);
      // The audit log lives in the warehouse, so processes with the api role write it (docs/security.md "Audit").
      if (roles.api) audit = composeAudit(cfg, engines.warehouse, clock, log, hasState ? engines.state : undefined);
      const tls = await serverTls(cfg);
      const source = worker ?? (poll = new PollingSource(opts.livePollMs ?? 1000));
      const boardParts = composeBoard({ warehouse, clock, log, kpis, alerts, source, maxPerKey: cfg.server.liveMaxConnectionsPerKey });
      live = boardParts.live;
      messaging = composeMessaging({
        ingest: ingestOrStub,
        clock,
        log,
        senders,
        webchat: ingest
          ? {
              state: engines.state,
              siteKeys: cfg.webchat.siteKeys,
              replayMs: cfg.webchat.replayMs,
              conversationTtlMs: cfg.state.ttlMs,
              personal: workbench.personal,
              ...(cfg.redis.url ? { redis: { url: cfg.redis.url, namespace: cfg.namespace, ...engineTls(cfg).redis } } : {}),
            }
          : undefined,
        routing: routing?.desk,
        bot: routing?.bot,
      });
      // Labels are files under this process's DATA_DIR, also in distributed mode (docs/ai.md); an erasure removes theirs.
      const labels = roles.api ? new FileLabelStore(cfg.dataDir) : undefined;
      app = await buildApp({
        log,
        clock,
        access,
        ingest: ingestOrStub,
        warehouse,
        ...boardParts,
        kpis,
        alerts,
        attribution,
        workbench: roles.api ? workbench : undefined,
        ...(roles.api && hasState ? { erasure: composeErasure(cfg, engines, clock, workbench, labels) } : {}),
        ...(ingest ? { channels: { ingest, state: engines.state, config: channelsConfigFrom(cfg.channels), clock, log } } : {}),
        messaging,
        ...(followup
          ? {
              followups: {
                store: followup.store,
                fileConfig: followup.fileConfig,
                secret: followup.secret,
                warehouse: roles.api ? engines.warehouse : undefined,
              },
            }
          : {}),
        routing: routing?.desk,
        classifier: composeClassifier(),
        experiments: composeExperiments({ warehouse, clock, ingest: ingestOrStub, state: hasState ? engines.state : undefined }),
        ...(labels ? { labels } : {}),
        health,
        ...(audit ? { audit } : {}),
        ...(tls ? { tls } : {}),
        security: composeSecurity(cfg, Boolean(tls), clock, hasState ? engines.state : undefined),
      });
      const address = await app.listen({ port: cfg.server.port, host: cfg.server.host });
      url = address.replace('[::1]', 'localhost');
    }
    alerts?.start();
    if (opts.demo && ingest) {
      // With a routing desk, simulated agents take offers and the traffic paces conversations by the roster's
      // capacity (55–85 % load in waves), so the board's load and queues move instead of saturating.
      if (routing?.service) demoAgents = new DemoAgents({ desk: routing.desk, clock, log: log.child({ stage: 'demo-agents' }) });
      demo = new DemoTraffic({ ingest, clock, log: log.child({ stage: 'demo' }), rate: cfg.demo.rate, pacing: demoAgents?.pacing() });
      if (demoProviders && followup) demoProviders.onSms = demoAnswers({ ingest, clock, rng: seededRng(16), log: log.child({ stage: 'demo' }) });
      await demo.start();
      demoAgents?.start();
    }
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  ready = true;
  return {
    roles,
    engines,
    log,
    url,
    app,
    access,
    credentials,
    worker,
    ingest,
    demo,
    attribution,
    routing,
    followup,
    demoProviders,
    metricsUrl: metricsServer?.url,
    obs,
    audit,
    stop,
  };
}

/**
 * Starts every stage in one process (`omnilane start`): engines, migrations,
 * stream worker, ingest, API and dashboard, and optionally demo traffic.
 */
export async function startOmnilane(opts: StartOptions): Promise<RunningOmnilane> {
  const r = await startRoles({ ...opts, roles: { ...ALL_ROLES } });
  return r as RunningOmnilane;
}

/**
 * Lag of the services that consume the events topic in groups of their own (routing, follow-up): a service that
 * falls behind routes or follows up late while the boards look current (the stream group's lag is
 * omnilane_stream_lag_records).
 */
function observeServiceLag(metrics: Observability['metrics'], services: Record<string, { lag(): Promise<number> } | undefined>): void {
  const running = Object.entries(services).filter((e): e is [string, { lag(): Promise<number> }] => e[1] !== undefined);
  if (running.length === 0) return;
  metrics.onCollect(async () => {
    const help = 'Records on the events topic not yet processed by a service with its own consumer group (routing, follow-up).';
    const g = metrics.gauge('omnilane_service_lag_records', help);
    for (const [group, service] of running) g.set({ group }, await service.lag());
  });
}
