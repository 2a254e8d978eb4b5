import { EventEmitter } from 'node:events';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from '../../api/app.js';
import { composeBoard, composeClassifier, composeExperiments, composeKpis, composeMessaging, type WebchatParts } from '../../cli/compose-api.js';
import type { EventIngest } from '../../ingest/event-ingest.js';
import { SenderRegistry } from '../../ingest/outbound/sender.js';
import { loadConfig } from '../../shared/config.js';
import { silentLogger } from '../../shared/logger.js';

/**
 * The HTTP app over a given warehouse, for `app.inject()` tests of read
 * routes, composed the way the composition root does it (cli/compose-api.ts)
 * with the default configuration: no stream worker, no dashboard; `extra`
 * adds or overrides dependencies (attribution job, workbench, …), and
 * `webchat` turns web chat on with those parts.
 */
export async function buildTestApp(
  base: Pick<AppDeps, 'warehouse' | 'clock' | 'access'>,
  extra: Partial<AppDeps> & { webchat?: WebchatParts } = {},
): Promise<FastifyInstance> {
  const log = silentLogger();
  const { webchat, ...overrides } = extra;
  const ingest: EventIngest = overrides.ingest ?? { ingest: async () => Promise.reject(new Error('no ingest in this test app')) };
  const kpis = overrides.kpis ?? composeKpis(loadConfig({}).kpi, base.warehouse);
  const messaging = composeMessaging({ ingest, clock: base.clock, log, senders: new SenderRegistry(), webchat, routing: overrides.routing });
  const app = await buildApp({
    log,
    ingest,
    kpis,
    ...composeBoard({ warehouse: base.warehouse, clock: base.clock, log, kpis, source: new EventEmitter() }),
    messaging,
    classifier: composeClassifier(),
    experiments: composeExperiments({ warehouse: base.warehouse, clock: base.clock, ingest }),
    health: { ready: () => true, details: async () => ({}) },
    dashboardDir: '/nonexistent',
    ...base,
    ...overrides,
  });
  app.addHook('onClose', () => messaging.close());
  return app;
}

/**
 * `req(method, url, key, payload?)` for route tests: one `app.inject()` as the holder of API key `key`, answering
 * the status and the JSON body. `app` is a getter, so the helper can be made before `beforeAll` builds the app.
 */
export function requestAs(app: () => FastifyInstance) {
  return async (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, key: string, payload?: unknown) => {
    const r = await app().inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload } : {}) });
    return { status: r.statusCode, body: r.json<Record<string, any>>() };
  };
}
