import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { RedisHub, WebchatService, webchatRoutes, type WebchatHub, type WebchatOptions } from '../ingest/channels/webchat/index.js';
import { channelRoutes, type ChannelDeps } from '../ingest/channels/index.js';
import type { IngestService } from '../ingest/ingest-service.js';
import { SenderRegistry } from '../ingest/outbound/sender.js';
import type { BotReplyFn } from '../stream/bot/bot-responder.js';
import { botOutbound } from './bot-outbound.js';
import { WebchatSender } from '../ingest/outbound/webchat-sender.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { projectRoot } from '../shared/paths.js';
import type { Warehouse } from '../shared/ports/warehouse.js';
import type { AttributionJob } from '../stream/attribution/attribution-job.js';
import type { KeyRing } from './auth/key-ring.js';
import type { BoardService } from './board/board-service.js';
import type { LiveHub } from './board/live-hub.js';
import { authPlugin } from './plugins/auth.js';
import { errorsPlugin } from './plugins/errors.js';
import { attributionRoutes } from './routes/attribution.js';
import { conversationMessageRoutes, firstOf, type AgentSignals, type ConversationDirectory } from './routes/conversation-messages.js';
import { boardRoutes } from './routes/board.js';
import { eventRoutes } from './routes/events.js';
import { funnelRoutes } from './routes/funnel.js';
import { healthRoutes, type HealthProbe } from './routes/health.js';
import { metricRoutes } from './routes/metrics.js';
import { KpiService } from './metrics/kpi-service.js';
import { alertRoutes } from './alerts/alert-routes.js';
import type { AlertEvaluator } from './alerts/evaluator.js';
import { conversationRoutes } from './routes/conversations.js';
import { customerRoutes } from './routes/customers.js';
import type { CrmPort } from '../stream/crm/crm-port.js';
import type { IdentityService } from '../stream/identity/identity-service.js';
import { opsMetricsRoutes } from './routes/ops-metrics.js';
import { consoleRoutes } from './routes/console.js';
import { suggestionRoutes } from './routes/suggestions.js';
import { labelRoutes } from './routes/labels.js';
import type { LabelStore } from '../stream/labels/index.js';
import { opportunityRoutes } from './routes/opportunities.js';
import { BuiltinIntentClassifier } from '../stream/intent/builtin-classifier.js';
import type { IntentClassifier } from '../stream/intent/intent-port.js';
import { routingRoutes } from './routes/routing.js';
import type { RoutingDesk } from '../stream/routing/routing-desk.js';
import { customerVisible } from './routing/scope.js';
import { experimentRoutes } from './routes/experiments.js';
import { insightRoutes } from './routes/insights.js';
import { ExperimentService } from '../stream/experiments/experiment-service.js';
import { ExperimentAssigner } from '../stream/experiments/exposure.js';
import type { StateStore } from '../shared/ports/state-store.js';

export interface AppDeps {
  log: Logger;
  clock: Clock;
  keys: KeyRing;
  ingest: IngestService;
  warehouse: Warehouse;
  board: BoardService;
  live: LiveHub;
  health: HealthProbe;
  /** Attribution job; without it the attribution routes answer 503 API_ERR_NOT_READY. */
  attribution?: AttributionJob;
  /** Web chat (visitor socket, /widget.js, replies to web); absent leaves web chat off. */
  webchat?: Pick<WebchatOptions, 'state' | 'siteKeys' | 'replayMs' | 'conversationTtlMs' | 'hub'> & {
    /** REDIS_URL and OMNILANE_NAMESPACE: pushes fan out over Redis pub/sub to every process (unless `hub` is given). */
    redis?: { url: string; namespace?: string };
  };
  /** Outbound senders by channel; default a new registry (web chat registers its sender in it). */
  senders?: SenderRegistry;
  /** Channel webhooks (/v1/channels/…); without them those routes are not registered. */
  channels?: Omit<ChannelDeps, 'ingest'> & { ingest?: IngestService };
  /** Workbench (customers, conversations): absent, those routes are not registered. */
  workbench?: { identity?: IdentityService; crm: CrmPort; sessionExpiryMs: number };
  /** KPI reader for /v1/metrics; default one on `warehouse` with buckets in Asia/Shanghai. */
  kpis?: KpiService;
  /** Alert rules and their state for /v1/alerts; default no rules. */
  alerts?: Pick<AlertEvaluator, 'rules' | 'firing'>;
  /** Routing desk (agent console and /v1/routing); absent, those routes are not registered. */
  routing?: RoutingDesk;
  /** Intent classifier for reply suggestions (the latest customer message's intent); default the built-in one. */
  classifier?: IntentClassifier;
  /** Agents' labels (intent corrections, bot verdicts); absent, the labelling routes are not registered. */
  labels?: LabelStore;
  /** Built dashboard to serve at `/`; default `dashboard/dist`. */
  dashboardDir?: string;
  /** Experiments' exposure claims (POST /v1/experiments/assign); absent, that route is not registered. */
  experimentState?: StateStore;
  /** BOT_ENABLED: receives the function the FAQ bot replies through (this app's senders and conversations). */
  botReplies?: (reply: BotReplyFn) => void;
}

/**
 * Builds the HTTP app without listening, so tests use `app.inject()`.
 * Every /v1 route declares its roles; `/openapi.json` documents them all.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log.child({ stage: 'api' }) as unknown as FastifyBaseLogger,
    // Per-request lines would dominate the log at ingest rates; errors are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    trustProxy: false,
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Omnilane API', version: '1', description: 'Events in, live metrics out. Every /v1 route needs `Authorization: Bearer <key>`.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(errorsPlugin);
  await app.register(authPlugin, { keys: deps.keys });

  app.get('/openapi.json', { schema: { summary: 'This OpenAPI document', tags: ['ops'] } }, async () => app.swagger());
  await app.register(healthRoutes, { health: deps.health });
  await app.register(opsMetricsRoutes, { health: deps.health });
  await app.register(eventRoutes, { ingest: deps.ingest });
  if (deps.channels) await app.register(async (scope) => channelRoutes(scope, { ...deps.channels!, ingest: deps.channels!.ingest ?? deps.ingest }));
  await app.register(boardRoutes, { board: deps.board, live: deps.live });
  await app.register(metricRoutes, { kpis: deps.kpis ?? new KpiService(deps.warehouse, 'Asia/Shanghai'), clock: deps.clock });
  await app.register(alertRoutes, { alerts: deps.alerts ?? { rules: [], firing: () => [] } });
  await app.register(attributionRoutes, { warehouse: deps.warehouse, clock: deps.clock, attribution: deps.attribution });
  await app.register(funnelRoutes, { warehouse: deps.warehouse, clock: deps.clock });
  await app.register(insightRoutes, { warehouse: deps.warehouse, clock: deps.clock });
  const experiments = new ExperimentService(deps.warehouse, deps.clock);
  const assigner = deps.experimentState
    ? new ExperimentAssigner({ experiments: () => experiments.list(), state: deps.experimentState, clock: deps.clock, publish: async (producer, events) => {
          const r = await deps.ingest.ingest(producer, { events });
          if (r.rejected.length > 0) throw new Error(`exposure event rejected: ${r.rejected[0].code} ${r.rejected[0].message}`);
        } })
    : undefined;
  await app.register(experimentRoutes, { experiments, assigner, clock: deps.clock });
  if (deps.workbench) {
    const { identity, crm, sessionExpiryMs } = deps.workbench;
    const desk = deps.routing;
    await app.register(customerRoutes, { warehouse: deps.warehouse, clock: deps.clock, log: deps.log, identity, crm, scope: desk ? (p, id) => customerVisible(desk, p, id) : undefined });
    await app.register(conversationRoutes, { warehouse: deps.warehouse, clock: deps.clock, sessionExpiryMs });
  }
  if (deps.routing) {
    await app.register(consoleRoutes, { desk: deps.routing, clock: deps.clock });
    await app.register(routingRoutes, { desk: deps.routing, clock: deps.clock });
    await app.register(suggestionRoutes, { desk: deps.routing, clock: deps.clock, classifier: deps.classifier ?? new BuiltinIntentClassifier(), crm: deps.workbench?.crm });
    if (deps.labels) await app.register(labelRoutes, { desk: deps.routing, clock: deps.clock, labels: deps.labels, classifier: deps.classifier ?? new BuiltinIntentClassifier() });
    if (deps.workbench) await app.register(opportunityRoutes, { desk: deps.routing, ingest: deps.ingest, crm: deps.workbench.crm, clock: deps.clock, log: deps.log });
  }
  const senders = deps.senders ?? new SenderRegistry();
  let conversations: ConversationDirectory = { lookup: async () => null };
  let signals: AgentSignals | undefined;
  if (deps.webchat) {
    const { redis, ...webchatDeps } = deps.webchat;
    let hub: WebchatHub | undefined = webchatDeps.hub;
    if (!hub && redis) {
      const redisHub = new RedisHub({ ...redis, catchUp: (id, after) => webchat.conversations.after(id, after), log: deps.log.child({ stage: 'webchat-hub' }) });
      app.addHook('onClose', () => redisHub.close());
      hub = redisHub;
    }
    const webchat: WebchatService = new WebchatService({ ...webchatDeps, hub, ingest: deps.ingest, clock: deps.clock, log: deps.log });
    senders.register(new WebchatSender(webchat));
    conversations = signals = webchat;
    await app.register(webchatRoutes, { service: webchat });
  }
  if (deps.routing) conversations = firstOf(conversations, deps.routing);
  await app.register(conversationMessageRoutes, { ingest: deps.ingest, senders, conversations, signals, clock: deps.clock, routing: deps.routing });
  deps.botReplies?.(botOutbound({ ingest: deps.ingest, senders, conversations, clock: deps.clock }));

  const dashboardDir = deps.dashboardDir ?? join(projectRoot(), 'dashboard', 'dist');
  if (existsSync(join(dashboardDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: dashboardDir, prefix: '/', index: ['index.html'], schemaHide: true });
  } else {
    app.get('/', { schema: { hide: true } }, async (_req, reply) =>
      reply.type('text/plain').send('The dashboard is not built yet: run `npm run build`.'),
    );
  }
  return app as unknown as FastifyInstance;
}
