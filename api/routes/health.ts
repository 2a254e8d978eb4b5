import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ErrorReply } from '../schemas.js';

export interface HealthProbe {
  ready(): boolean;
  /** Details for operators: lag, processed counts. */
  details(): Promise<Record<string, unknown>>;
}

/** GET /healthz: 200 once every stage is ready, 503 before. Public: it reveals no data. */
export const healthRoutes: FastifyPluginAsyncTypebox<{ health: HealthProbe }> = async (app, { health }) => {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Readiness: 200 once ready',
        tags: ['ops'],
        response: { 200: Type.Object({ status: Type.Literal('ok') }, { additionalProperties: true }), 503: ErrorReply },
      },
    },
    async (_req, reply) => {
      if (!health.ready()) return reply.status(503).send({ code: 'API_ERR_NOT_READY', message: 'starting' });
      return { status: 'ok' as const, ...(await health.details()) };
    },
  );
};
