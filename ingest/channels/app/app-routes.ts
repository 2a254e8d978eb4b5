import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { errorHandler, ErrorReply, toErrorReply } from '../../../shared/error-reply.js';
import { IngestReply } from '../../schemas.js';
import { CustomerInput } from '../../../shared/envelope.js';
import { OmnilaneError } from '../../../shared/errors.js';
import type { ChannelDeps } from '../common.js';

/** One event as the app SDK (ingest/channels/app/client.ts) sends it. */
export const AppEvent = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 128 }),
  type: Type.String(),
  occurred_at: Type.Union([Type.String(), Type.Number()]),
  conversation_id: Type.Optional(Type.String()),
  properties: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

export const AppBatch = Type.Object({
  anonymous_id: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  user_id: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  customer: Type.Optional(CustomerInput),
  context: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'app version, OS, locale…; copied into properties.app' })),
  events: Type.Array(AppEvent, { minItems: 1, maxItems: 1000 }),
});

type Batch = { anonymous_id?: string; user_id?: string; customer?: Record<string, unknown>; context?: Record<string, unknown>; events?: unknown };

/** POST /v1/channels/app/events: the app SDK's batches, stamped channel=app and handed to the ingest service. */
export async function appRoutes(app: FastifyInstance, deps: ChannelDeps): Promise<void> {
  // Same error codes as /v1/events (ING_ERR_NOT_JSON, ING_ERR_BODY_TOO_LARGE…).
  app.setErrorHandler(errorHandler({ toReply: (err) => toErrorReply(err, true), failure: 'app batch failed', log: deps.log }));
  app.post(
    '/v1/channels/app/events',
    {
      bodyLimit: 1024 * 1024,
      config: { permission: 'events:write' },
      validatorCompiler: () => () => true,
      schema: {
        summary: 'App SDK batch (channel=app)',
        description: 'Authenticated with the ingest key like /v1/events; each event is validated by itself, ids dedupe with /v1/events.',
        tags: ['channels'],
        security: [{ bearer: [] }],
        body: AppBatch,
        response: { 202: IngestReply, 400: ErrorReply, 401: ErrorReply, 413: ErrorReply, 503: ErrorReply },
      },
    },
    async (req, reply) => {
      const b = req.body as Batch | null;
      if (typeof b !== 'object' || b === null || !Array.isArray(b.events))
        throw new OmnilaneError('ING_ERR_BAD_BATCH', 'body must be {"events":[...]} with anonymous_id or user_id');
      const customer = { ...(b.user_id ? { external_id: b.user_id } : {}), ...(b.anonymous_id ? { anonymous_id: b.anonymous_id } : {}), ...(b.customer ?? {}) };
      const events = (b.events as unknown[]).map((e) => {
        if (typeof e !== 'object' || e === null) return e;
        const ev = e as Record<string, unknown>;
        const props = (typeof ev.properties === 'object' && ev.properties !== null ? ev.properties : {}) as Record<string, unknown>;
        return { ...ev, channel: 'app', customer, properties: b.context ? { ...props, app: b.context } : props };
      });
      const result = await deps.ingest.ingest(req.principal!.keyId ?? 'app', { events });
      return reply.status(202).send(result);
    },
  );
}
