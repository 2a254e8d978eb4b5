import type { PersonalData } from '../shared/privacy/personal-data.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { webchatRoutes, type WebchatService } from '../ingest/channels/webchat/index.js';
import { channelRoutes, type ChannelDeps } from '../ingest/channels/index.js';
import type { EventIngest } from '../ingest/event-ingest.js';
import type { SenderRegistry } from '../ingest/outbound/sender.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { projectRoot } from '../shared/paths.js';
import type { Warehouse } from '../shared/ports/warehouse.js';
import type { AttributionJob } from '../stream/attribution/attribution-job.js';
import type { AccessService } from './auth/access-service.js';
import type { BoardService } from './board/board-service.js';
import type { LiveHub } from './board/live-hub.js';
import { authPlugin, SESSION_COOKIE } from './plugins/auth.js';
import { authRoutes } from './routes/auth.js';
import { accessAdminRoutes } from './routes/access-admin.js';
import { errorsPlugin } from './plugins/errors.js';
import { attributionRoutes } from './routes/attribution.js';
import { conversationMessageRoutes, type AgentSignals, type ConversationDirectory } from './routes/conversation-messages.js';
import { boardRoutes } from './routes/board.js';
import { eventRoutes } from '../ingest/events-routes.js';
import { funnelRoutes } from './routes/funnel.js';
import { healthRoutes, type HealthProbe } from './routes/health.js';
import { metricRoutes } from './routes/metrics.js';
import type { KpiService } from './metrics/kpi-service.js';
import { alertRoutes } from './alerts/alert-routes.js';
import type { AlertEvaluator } from './alerts/evaluator.js';
import { conversationRoutes } from './routes/conversations.js';
import { customerRoutes } from './routes/customers.js';
import { customerErasureRoutes } from './routes/customer-erasure.js';
import { deadLetterRoutes } from './routes/dead-letters.js';
import { customerExportRoutes } from './routes/customer-export.js';
import type { CrmPort } from '../stream/crm/crm-port.js';
import type { IdentityService } from '../stream/identity/identity-service.js';
import type { CustomerErasure } from '../stream/privacy/customer-erasure.js';
import { opsMetricsRoutes } from './routes/ops-metrics.js';
import { consoleRoutes } from './routes/console.js';
import { suggestionRoutes } from './routes/suggestions.js';
import { labelRoutes } from './routes/labels.js';
import type { LabelStore } from '../stream/labels/index.js';
import { opportunityRoutes } from './routes/opportunities.js';
import type { IntentClassifier } from '../stream/intent/intent-port.js';
import { routingRoutes } from './routes/routing.js';
import type { RoutingDesk } from '../stream/routing/routing-desk.js';
import { customerVisible, ownedConversations } from './routing/scope.js';
import { Ownership } from './routing/ownership.js';
import { followupRoutes, type FollowupRouteDeps } from './routes/followups.js';
import { auditRequestsPlugin, auditRoutes, type AuditLog } from './audit/index.js';
import { securityPlugin, type SecurityOptions } from './plugins/security.js';
import { experimentRoutes } from './routes/experiments.js';
import { insightRoutes } from './routes/insights.js';
import type { ExperimentService } from '../stream/experiments/experiment-service.js';
import type { ExperimentAssigner } from '../stream/experiments/exposure.js';

export interface AppDeps {
  log: Logger;
  clock: Clock;
  /** Users, keys and sessions (api/auth): who may call which route. */
  access: AccessService;
  ingest: EventIngest;
  warehouse: Warehouse;
  board: BoardService;
  live: LiveHub;
  health: HealthProbe;
  /** Attribution job; without it the attribution routes answer 503 API_ERR_NOT_READY. */
  attribution?: AttributionJob;
  /** Outbound messaging: senders by channel, the directory of conversations replies go to, web chat when on. */
  messaging: Messaging;
  /** Channel webhooks (/v1/channels/…); without them those routes are not registered. */
  channels?: ChannelDeps;
  /** Workbench (customers, conversations): absent, those routes are not registered. */
  workbench?: { identity?: IdentityService; crm: CrmPort; sessionExpiryMs: number; personal?: PersonalData };
  /** Customer erasure (docs/privacy.md, "Erasure"): DELETE /v1/customers/{id}; absent, the route is not served. */
  erasure?: CustomerErasure;
  /** KPI reader for /v1/metrics (buckets in KPI_TIME_ZONE). */
  kpis: KpiService;
  /** Alert rules and their state for /v1/alerts; default no rules. */
  alerts?: Pick<AlertEvaluator, 'rules' | 'firing'>;
  /** Routing desk (agent console and /v1/routing); absent, those routes are not registered. */
  routing?: RoutingDesk;
  /** Intent classifier for reply suggestions (the latest customer message's intent). */
  classifier: IntentClassifier;
  /** Agents' labels (intent corrections, bot verdicts); absent, the labelling routes are not registered. */
  labels?: LabelStore;
  /** Built dashboard to serve at `/`; default `dashboard/dist`. */
  dashboardDir?: string;
  /** Follow-up sequences (docs/follow-up.md): customer pane, rules, summary, unsubscribe link; absent, not registered. */
  followups?: Omit<FollowupRouteDeps, 'clock' | 'identity' | 'scope'>;
  /** The audit log (api/audit): records audited requests and serves GET /v1/audit; absent, neither. */
  audit?: AuditLog;
  /** PEM certificate and key: the server speaks HTTPS, TLS 1.3 only. */
  tls?: { cert: string; key: string };
  /** Security headers, CORS and rate limits; default: headers and CSP on, no CORS, no rate limits. */
  security?: SecurityOptions;
  /** Experiments (docs/experiments.md): definitions and reports; `assigner` (a process with a state store) serves POST /v1/experiments/assign. */
  experiments: { service: ExperimentService; assigner?: ExperimentAssigner };
}

/** How agent and bot replies leave (built by the composition root, cli/compose-api.ts). */
export interface Messaging {
  senders: SenderRegistry;
  /** Who knows a conversation's channel and address: web chat, then the routing desk. */
  conversations: ConversationDirectory;
  /** Typing and read receipts to the visitor (web chat). */
  signals?: AgentSignals;
  /** The web chat service behind /v1/webchat and /widget.js; absent leaves web chat off. */
  webchat?: WebchatService;
}

/**
 * Builds the HTTP app without listening, so tests use `app.inject()`.
 * Every /v1 route declares its permission; `/openapi.json` documents them all (`x-permission`, `x-roles`).
 * It only registers plugins and routes with what it is handed: the objects
 * behind them are built by the composition root (cli/compose-api.ts).
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const loggerInstance: FastifyBaseLogger = deps.log.child({ stage: 'api' });
  const app = Fastify({
    loggerInstance,
    // Per-request lines would dominate the log at ingest rates; errors are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    trustProxy: false,
    // TLS 1.3 only: older protocol versions are refused during the handshake.
    ...(deps.tls ? { https: { cert: deps.tls.cert, key: deps.tls.key, minVersion: 'TLSv1.3' as const } } : {}),
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Omnilane API',
        version: '1',
        description:
          'Events in, live metrics out. Every /v1 route declares its permission (`x-permission`, the roles holding it in `x-roles`): people sign in (POST /v1/auth/sign-in: session cookie plus X-CSRF-Token on writes), machines send `Authorization: Bearer <key>`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } } },
    },
  });
  await app.register(errorsPlugin);
  await app.register(securityPlugin, deps.security ?? { tls: Boolean(deps.tls), corsOrigins: [] });
  const desk = deps.routing;
  await app.register(authPlugin, { access: deps.access, roster: desk ? (id) => desk.agent(id) : undefined });
  // Row-level access by ownership: the warehouse's assignment history (api/routing/ownership.ts).
  const ownership = new Ownership(deps.warehouse);
  const owned = (p: Parameters<typeof ownedConversations>[2], ids: string[]) => ownedConversations(desk, ownership, p, ids);
  const scope = desk ? (p: Parameters<typeof customerVisible>[2], ids: string[]) => customerVisible(desk, ownership, p, ids) : undefined;
  if (deps.audit) {
    await app.register(auditRequestsPlugin, { audit: deps.audit });
    await app.register(auditRoutes, { warehouse: deps.warehouse, key: deps.audit.key });
  }

  app.get('/openapi.json', { config: { permission: 'public' }, schema: { summary: 'This OpenAPI document', tags: ['ops'] } }, async () => app.swagger());
  await app.register(healthRoutes, { health: deps.health });
  await app.register(authRoutes, { access: deps.access });
  await app.register(accessAdminRoutes, { access: deps.access });
  await app.register(opsMetricsRoutes, { health: deps.health });
  await app.register(eventRoutes, { ingest: deps.ingest });
  if (deps.channels) await app.register(async (scope) => channelRoutes(scope, deps.channels!));
  await app.register(boardRoutes, { board: deps.board, live: deps.live });
  await app.register(metricRoutes, { kpis: deps.kpis, clock: deps.clock, owned });
  await app.register(alertRoutes, { alerts: deps.alerts ?? { rules: [], firing: () => [] } });
  await app.register(attributionRoutes, { warehouse: deps.warehouse, clock: deps.clock, attribution: deps.attribution });
  await app.register(funnelRoutes, { warehouse: deps.warehouse, clock: deps.clock });
  await app.register(insightRoutes, { warehouse: deps.warehouse, clock: deps.clock });
  await app.register(experimentRoutes, { experiments: deps.experiments.service, assigner: deps.experiments.assigner, clock: deps.clock });
  if (deps.workbench) {
    const { identity, crm, sessionExpiryMs, personal } = deps.workbench;
    await app.register(customerRoutes, { warehouse: deps.warehouse, clock: deps.clock, log: deps.log, identity, crm, scope, personal });
    await app.register(customerExportRoutes, {
      warehouse: deps.warehouse,
      clock: deps.clock,
      log: deps.log,
      identity,
      personal,
      followups: deps.followups?.store,
    });
    await app.register(conversationRoutes, { warehouse: deps.warehouse, clock: deps.clock, sessionExpiryMs, owned });
    if (deps.erasure) await app.register(customerErasureRoutes, { erasure: deps.erasure, log: deps.log });
    await app.register(deadLetterRoutes, { warehouse: deps.warehouse, personal });
  }
  if (deps.routing) {
    await app.register(consoleRoutes, { desk: deps.routing, clock: deps.clock });
    await app.register(routingRoutes, { desk: deps.routing, clock: deps.clock });
    await app.register(suggestionRoutes, { desk: deps.routing, clock: deps.clock, classifier: deps.classifier, crm: deps.workbench?.crm });
    if (deps.labels) await app.register(labelRoutes, { desk: deps.routing, clock: deps.clock, labels: deps.labels, classifier: deps.classifier });
    if (deps.workbench)
      await app.register(opportunityRoutes, { desk: deps.routing, ingest: deps.ingest, crm: deps.workbench.crm, clock: deps.clock, log: deps.log });
  }
  if (deps.followups) {
    await app.register(followupRoutes, { ...deps.followups, clock: deps.clock, identity: deps.workbench?.identity, scope });
  }
  const { senders, conversations, signals, webchat } = deps.messaging;
  if (webchat) await app.register(webchatRoutes, { service: webchat });
  await app.register(conversationMessageRoutes, { ingest: deps.ingest, senders, conversations, signals, clock: deps.clock, routing: deps.routing });

  const dashboardDir = deps.dashboardDir ?? join(projectRoot(), 'dashboard', 'dist');
  if (existsSync(join(dashboardDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: dashboardDir, prefix: '/', index: ['index.html'], schemaHide: true });
  } else {
    app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.type('text/plain').send('The dashboard is not built yet: run `npm run build`.'));
  }
  return app;
}
