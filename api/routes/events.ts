import { actorId } from '../auth/roles.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { IngestService } from '../../ingest/ingest-service.js';
import { ErrorReply, IngestBody, IngestReply } from '../schemas.js';

export const MAX_INGEST_BODY_BYTES = 1024 * 1024;

/** POST /v1/events: the public event API v1. */
export const eventRoutes: FastifyPluginAsyncTypebox<{ ingest: IngestService }> = async (app, { ingest }) => {
  app.post(
    '/v1/events',
    {
      bodyLimit: MAX_INGEST_BODY_BYTES,
      config: { permission: 'events:write' },
      // The schema documents the body; validation runs per event in the ingest
      // service so one bad event never sinks its siblings.
      validatorCompiler: () => () => true,
      schema: {
        summary: 'Post a batch of events',
        tags: ['ingest'],
        security: [{ bearer: [] }],
        body: IngestBody,
        response: { 202: IngestReply, 400: ErrorReply, 401: ErrorReply, 413: ErrorReply, 503: ErrorReply },
      },
    },
    async (req, reply) => {
      const result = await ingest.ingest(req.principal!.keyId ?? actorId(req.principal), req.body);
      return reply.status(202).send(result);
    },
  );
};
