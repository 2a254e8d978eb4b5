import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Clock } from '../../shared/clock.js';
import { OmnilaneError } from '../../shared/errors.js';
import type { Warehouse } from '../../shared/ports/warehouse.js';
import { loadInsights } from '../../stream/insights/insights-service.js';
import { ErrorReply } from '../../shared/error-reply.js';
import { InsightsQuery, InsightsReply } from './experiment-schemas.js';
import { iso, timeParam } from './time-range.js';

const DAY = 86_400_000;

/** GET /v1/insights: the channel-conversion and agent deal-cycle findings (docs/experiments.md, "Insights"). */
export const insightRoutes: FastifyPluginAsyncTypebox<{ warehouse: Warehouse; clock: Clock }> = async (app, { warehouse, clock }) => {
  app.get(
    '/v1/insights',
    {
      config: { permission: 'metrics:read' },
      schema: {
        tags: ['insights'],
        security: [{ bearer: [] }],
        summary: 'Significance-tested findings: high-volume channels converting below the rest, agents closing deals faster than the team',
        querystring: InsightsQuery,
        response: { 200: InsightsReply, 400: ErrorReply, 401: ErrorReply, 403: ErrorReply },
      },
    },
    async (req) => {
      const to = timeParam('to', req.query.to, clock.now());
      const from = timeParam('from', req.query.from, to - 30 * DAY);
      if (from >= to) throw new OmnilaneError('API_ERR_VALIDATION', 'from must be before to');
      if (to - from > 366 * DAY) throw new OmnilaneError('API_ERR_VALIDATION', 'the range may span at most 366 days');
      const r = await loadInsights(warehouse, { fromMs: from, toMs: to, step: req.query.step ?? 'deal' });
      return { from: iso(from), to: iso(to), alpha: r.alpha, step: r.step, channels: r.channels, agents: r.agents };
    },
  );
};
