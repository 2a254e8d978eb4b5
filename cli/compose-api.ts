import type { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { Messaging } from '../api/app.js';
import { bootstrapAccess, type BootstrapResult } from '../api/auth/access-bootstrap.js';
import { AccessService } from '../api/auth/access-service.js';
import { WarehouseAccessBackup } from '../api/auth/access-backup.js';
import { FileAccessStore, StateAccessStore } from '../api/auth/access-store.js';
import { botOutbound } from '../api/bot-outbound.js';
import { AuditLog } from '../api/audit/audit-log.js';
import { loadOrCreateAuditKey } from '../api/audit/audit-key.js';
import { AlertEvaluator, AlertWebhook } from '../api/alerts/index.js';
import { BoardService } from '../api/board/board-service.js';
import { LiveHub } from '../api/board/live-hub.js';
import { KpiService } from '../api/metrics/kpi-service.js';
import type { SecurityOptions } from '../api/plugins/security.js';
import { firstOf, type ConversationDirectory } from '../api/routes/conversation-messages.js';
import { RedisHub, WebchatService, type WebchatHub, type WebchatOptions } from '../ingest/channels/webchat/index.js';
import type { EventIngest } from '../ingest/event-ingest.js';
import type { SenderRegistry } from '../ingest/outbound/sender.js';
import { WebchatSender } from '../ingest/outbound/webchat-sender.js';
import type { Clock } from '../shared/clock.js';
import type { AlertsConfig, Config, KpiConfig } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import type { StateStore } from '../shared/ports/state-store.js';
import type { Warehouse } from '../shared/ports/warehouse.js';
import type { BotResponder } from '../stream/bot/bot-responder.js';
import { ExperimentService } from '../stream/experiments/experiment-service.js';
import { ExperimentAssigner } from '../stream/experiments/exposure.js';
import { BuiltinIntentClassifier } from '../stream/intent/builtin-classifier.js';
import type { IntentClassifier } from '../stream/intent/intent-port.js';
import type { RoutingDesk } from '../stream/routing/routing-desk.js';
import type { RosterAgent } from '../stream/routing/roster.js';
import { MemoryStateStore } from '../stream/state/memory-state-store.js';

// The API's objects (KPI reader, alerts, board, live push, messaging), built here so buildApp only registers routes.

/**
 * Users, keys and sessions. Users and keys live in a 0600 file under DATA_DIR in embedded mode (the CLI edits it
 * while this process runs), in the state store (Redis) when REDIS_URL is set so every process shares them; sessions
 * in the state store. The first start generates what is missing (credentials.txt, 0600).
 */
export async function composeAccess(o: {
  cfg: Config;
  state?: StateStore;
  warehouse?: Warehouse;
  clock: Clock;
  roster: readonly RosterAgent[];
}): Promise<{ access: AccessService; credentials: BootstrapResult }> {
  const { cfg, state, clock } = o;
  // With Redis, a durable copy in the warehouse (where this process has one) survives Redis losing its keys.
  const backup = o.warehouse ? new WarehouseAccessBackup(o.warehouse, clock) : undefined;
  const store =
    cfg.redis.url && state ? new StateAccessStore(state, () => clock.now(), 1000, undefined, backup) : new FileAccessStore(join(cfg.dataDir, 'access.json'));
  const envKeys = [
    ...(cfg.server.ingestKey ? [{ id: 'ingest-default', role: 'ingest' as const, secret: cfg.server.ingestKey }] : []),
    ...(cfg.server.adminKey ? [{ id: 'admin-default', role: 'admin' as const, secret: cfg.server.adminKey }] : []),
  ];
  const access = new AccessService({ store, sessions: state ?? new MemoryStateStore({ clock }), clock, envKeys });
  if (store instanceof StateAccessStore) await store.ensureBackup();
  const credentials = await bootstrapAccess(access, {
    legacyKeysPath: join(cfg.dataDir, 'keys.json'),
    credentialsPath: join(cfg.dataDir, 'credentials.txt'),
    ingestKey: cfg.server.ingestKey,
    adminKey: cfg.server.adminKey,
    roster: o.roster,
  });
  return { access, credentials };
}

/** The audit log, kept in the warehouse and signed with the audit key (docs/security.md "Audit"). */
export function composeAudit(cfg: Config, warehouse: Warehouse, clock: Clock, log: Logger, state?: StateStore): AuditLog {
  const s = cfg.security;
  return new AuditLog({
    warehouse,
    clock,
    key: loadOrCreateAuditKey(cfg.dataDir, s.auditHmacKey),
    log: log.child({ stage: 'audit' }),
    state,
    checkpointEvery: s.auditCheckpointEvery,
    checkpointIntervalMs: s.auditCheckpointIntervalMs,
  });
}

/** Security headers, CORS and rate limits; the counters are shared through the StateStore (Redis in distributed mode), a process without one counts on its own. */
export function composeSecurity(cfg: Config, tls: boolean, clock: Clock, state?: StateStore): SecurityOptions {
  const s = cfg.security;
  return {
    tls,
    corsOrigins: s.corsOrigins,
    rateLimits: { perMinute: s.rateLimitPerMin, ingestPerMinute: s.rateLimitIngestPerMin, state: state ?? new MemoryStateStore({ clock }), clock },
  };
}

/**
 * Experiments: definitions and reports over the warehouse; with a state store, the assigner that claims each
 * customer's exposure once and publishes it as an `experiment.exposed` event through ingest.
 */
export function composeExperiments(o: { warehouse: Warehouse; clock: Clock; ingest: EventIngest; state?: StateStore }): {
  service: ExperimentService;
  assigner?: ExperimentAssigner;
} {
  const service = new ExperimentService(o.warehouse, o.clock);
  if (!o.state) return { service };
  const assigner = new ExperimentAssigner({
    experiments: () => service.list(),
    state: o.state,
    clock: o.clock,
    publish: async (producer, events) => {
      const r = await o.ingest.ingest(producer, { events });
      if (r.rejected.length > 0) throw new Error(`exposure event rejected: ${r.rejected[0].code} ${r.rejected[0].message}`);
    },
  });
  return { service, assigner };
}

/** The KPI reader behind /v1/metrics, the board's tiles and the alert rules: buckets in KPI_TIME_ZONE. */
export function composeKpis(cfg: Pick<KpiConfig, 'timeZone'>, warehouse: Warehouse): KpiService {
  return new KpiService(warehouse, cfg.timeZone);
}

/** The intent classifier reply suggestions and labels use: the built-in one. */
export function composeClassifier(): IntentClassifier {
  return new BuiltinIntentClassifier();
}

/** Alert rules evaluated on the KPIs (ALERT_RULES), posting transitions to ALERT_WEBHOOK_URL when set. Not started. */
export function composeAlerts(cfg: AlertsConfig, kpis: KpiService, clock: Clock, log: Logger): AlertEvaluator {
  const webhook = cfg.webhookUrl ? new AlertWebhook({ url: cfg.webhookUrl, log: log.child({ stage: 'alerts' }) }) : undefined;
  return new AlertEvaluator({ rules: [...cfg.rules], kpis, clock, intervalMs: cfg.intervalMs, webhook, log: log.child({ stage: 'alerts' }) });
}

/** The board and its live push; `source` emits 'batch' when new data may be there (the stream worker, or a poll). */
export function composeBoard(o: {
  warehouse: Warehouse;
  clock: Clock;
  log: Logger;
  kpis: KpiService;
  alerts?: AlertEvaluator;
  source: EventEmitter;
  maxPerKey?: number;
}): { board: BoardService; live: LiveHub } {
  const board = new BoardService(o.warehouse, o.clock, { kpis: o.kpis, alerts: o.alerts });
  const live = new LiveHub(board, o.source, o.log.child({ stage: 'live' }), {
    clock: o.clock,
    ...(o.maxPerKey === undefined ? {} : { maxPerKey: o.maxPerKey }),
  });
  return { board, live };
}

/** Web chat's parts from the config: state, site keys, replay; `hub` given, or Redis pub/sub when `redis` is set. */
export type WebchatParts = Pick<WebchatOptions, 'state' | 'siteKeys' | 'replayMs' | 'conversationTtlMs' | 'hub' | 'personal'> & {
  /** REDIS_URL and OMNILANE_NAMESPACE: pushes fan out over Redis pub/sub to every process (unless `hub` is given). */
  redis?: { url: string; namespace?: string };
};

export interface ComposedMessaging extends Messaging {
  /** Closes what messaging opened (the Redis hub's subscriber connection). */
  close(): Promise<void>;
}

/**
 * Outbound messaging: the configured senders, web chat (its service, hub and sender) when `webchat` is given, and
 * the directory of conversations replies go to (web chat first, then the routing desk). With a FAQ bot, its
 * replies leave through the same senders and conversations.
 */
export function composeMessaging(o: {
  ingest: EventIngest;
  clock: Clock;
  log: Logger;
  senders: SenderRegistry;
  webchat?: WebchatParts;
  routing?: RoutingDesk;
  bot?: BotResponder;
}): ComposedMessaging {
  const { senders } = o;
  let conversations: ConversationDirectory = { lookup: async () => null };
  let webchat: WebchatService | undefined;
  let redisHub: RedisHub | undefined;
  if (o.webchat) {
    const { redis, ...parts } = o.webchat;
    let hub: WebchatHub | undefined = parts.hub;
    if (!hub && redis) {
      // The hub catches up from the service's conversation log, built just below.
      hub = redisHub = new RedisHub({ ...redis, catchUp: (id, after) => service.conversations.after(id, after), log: o.log.child({ stage: 'webchat-hub' }) });
    }
    const service: WebchatService = new WebchatService({ ...parts, hub, ingest: o.ingest, clock: o.clock, log: o.log });
    senders.register(new WebchatSender(service));
    conversations = webchat = service;
  }
  if (o.routing) conversations = firstOf(conversations, o.routing);
  if (o.bot) o.bot.reply = botOutbound({ ingest: o.ingest, senders, conversations, clock: o.clock });
  return { senders, conversations, signals: webchat, webchat, close: async () => redisHub?.close() };
}
