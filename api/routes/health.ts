import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ErrorReply } from '../../shared/error-reply.js';

export interface HealthProbe {
  /** The process finished starting (engines opened, migrations, worker and HTTP up). */
  ready(): boolean;
  /**
   * Details for operators: each engine's state, lag, processed counts. Must answer within about a second
   * whatever engine is down (bounded probes, last known values).
   */
  details(): Promise<Record<string, unknown>>;
  /** Whether the process can do its work now: started and every engine it uses answering; default `ready()`. */
  readiness?(): Promise<{ ready: boolean; reason?: string }>;
  /** Prometheus text for GET /metrics; default renders the numeric fields of `details()`. */
  metrics?(): Promise<string>;
}

/**
 * GET /healthz: liveness with each engine's state. 503 while starting; then 200 with `status` `ok`, or
 * `degraded` naming the engines that are down (the process is alive and recovers by itself: no restart needed).
 * GET /readyz: readiness, 503 while starting or while an engine this process needs is down (take it out of a
 * load balancer). Both public: they reveal no data.
 */
export const healthRoutes: FastifyPluginAsyncTypebox<{ health: HealthProbe }> = async (app, { health }) => {
  app.get(
    '/healthz',
    {
      config: { permission: 'public' },
      schema: {
        summary: 'Liveness and engine states: 200 once started (status ok or degraded)',
        tags: ['ops'],
        response: { 200: Type.Object({ status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]) }, { additionalProperties: true }), 503: ErrorReply },
      },
    },
    async (_req, reply) => {
      if (!health.ready()) return reply.status(503).send({ code: 'API_ERR_NOT_READY', message: 'starting' });
      const details = await health.details();
      return { status: details.status === 'degraded' ? ('degraded' as const) : ('ok' as const), ...details };
    },
  );
  app.get(
    '/readyz',
    {
      config: { permission: 'public' },
      schema: {
        summary: 'Readiness: 200 when started and every engine this process uses answers',
        tags: ['ops'],
        response: { 200: Type.Object({ status: Type.Literal('ready') }), 503: ErrorReply },
      },
    },
    async (_req, reply) => {
      const r = health.readiness ? await health.readiness() : { ready: health.ready(), reason: 'starting' };
      if (!r.ready) return reply.status(503).send({ code: 'API_ERR_NOT_READY', message: r.reason ?? 'not ready' });
      return { status: 'ready' as const };
    },
  );
};
