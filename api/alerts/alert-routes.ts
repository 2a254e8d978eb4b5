import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ErrorReply } from '../../shared/error-reply.js';
import { FiringAlert } from '../schemas.js';
import type { AlertEvaluator } from './evaluator.js';

const Rule = Type.Object({
  id: Type.String(),
  kpi: Type.String(),
  stat: Type.String({ description: 'value, p50, p90 or an extra field of the KPI' }),
  op: Type.String({ description: '> < >= <=' }),
  threshold: Type.Number(),
  window_minutes: Type.Integer(),
  filters: Type.Record(Type.String(), Type.String()),
  message: Type.Object({ en: Type.String(), zh: Type.String() }),
});

export const AlertsReply = Type.Object({ rules: Type.Array(Rule), firing: Type.Array(FiringAlert) });

/** GET /v1/alerts: the configured rules (ALERT_RULES) and the ones firing now. */
export const alertRoutes: FastifyPluginAsyncTypebox<{ alerts: Pick<AlertEvaluator, 'rules' | 'firing'> }> = async (app, { alerts }) => {
  app.get(
    '/v1/alerts',
    {
      config: { permission: 'metrics:read' },
      schema: {
        summary: 'Alert rules and the ones firing now (evaluated every ALERT_INTERVAL_MS)',
        tags: ['metrics'],
        security: [{ bearer: [] }],
        response: { 200: AlertsReply, 401: ErrorReply },
      },
    },
    async () => ({ rules: [...alerts.rules], firing: alerts.firing() }),
  );
};
