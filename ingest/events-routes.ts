import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorReply } from '../shared/error-reply.js';
import type { EventIngest } from './event-ingest.js';
import { IngestBody, IngestReply } from './schemas.js';

export const MAX_INGEST_BODY_BYTES = 1024 * 1024;

/** POST /v1/events: the public event API v1. */
export const eventRoutes: FastifyPluginAsyncTypebox<{ ingest: EventIngest }> = async (app, { ingest }) => {
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
      const result = await ingest.ingest(producerOf(req.principal), req.body);
      return reply.status(202).send(result);
    },
  );
};

/** The producer id of a batch (part of each event's dedup key): the machine key's id, else the signed-in person's. */
function producerOf(p: { keyId?: string; userId?: string } | undefined): string {
  if (p?.keyId) return p.keyId;
  return p?.userId ? `user:${p.userId}` : 'anonymous';
}
