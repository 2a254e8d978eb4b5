import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { OmnilaneError } from '../../shared/errors.js';
import type { Clock } from '../../shared/clock.js';
import type { Warehouse } from '../../shared/ports/warehouse.js';
import { timeParam } from './time-range.js';
import { ErrorReply, GRANULARITY_SECONDS, MetricParams, MetricQuery, MetricReply } from '../schemas.js';

const MAX_BUCKETS = 100_000;

type Row = Record<string, string | number | null>;
const n = (v: string | number | null | undefined) => (v === null || v === undefined ? null : Number(v));

/** GET /v1/metrics/{kpi}: a KPI per channel per bucket. */
export const metricRoutes: FastifyPluginAsyncTypebox<{ warehouse: Warehouse; clock: Clock }> = async (app, { warehouse, clock }) => {
  app.get(
    '/v1/metrics/:kpi',
    {
      config: { roles: ['viewer'] },
      schema: {
        summary: 'A KPI per channel per bucket (events, conversations: counts by event time; first_response: ms by conversation start)',
        tags: ['metrics'],
        security: [{ bearer: [] }],
        params: MetricParams,
        querystring: MetricQuery,
        response: { 200: MetricReply, 400: ErrorReply, 401: ErrorReply },
      },
    },
    async (req) => {
      const to = timeParam('to', req.query.to, clock.now());
      const from = timeParam('from', req.query.from, to - 3600_000);
      if (from >= to) throw new OmnilaneError('API_ERR_VALIDATION', 'from must be before to');
      const granularity = req.query.granularity ?? 'minute';
      const bucket_s = GRANULARITY_SECONDS[granularity];
      if ((to - from) / 1000 / bucket_s > MAX_BUCKETS) throw new OmnilaneError('API_ERR_VALIDATION', `more than ${MAX_BUCKETS} buckets; use a coarser granularity`);
      const params = { from_ms: from, to_ms: to, bucket_s, channel: req.query.channel ?? null };
      const { kpi } = req.params;
      const base = { kpi, granularity, from: new Date(from).toISOString(), to: new Date(to).toISOString() };
      if (kpi === 'first_response') {
        const rows = await warehouse.query<Row>('metric_first_response', params);
        return {
          ...base,
          unit: 'ms',
          series: rows.map((r) => ({ bucket: new Date(Number(r.bucket_ms)).toISOString(), channel: String(r.channel), value: n(r.avg_ms), count: Number(r.count), p50_ms: n(r.p50_ms), p90_ms: n(r.p90_ms) })),
        };
      }
      const rows = await warehouse.query<Row>('metric_channel_counts', params);
      return { ...base, unit: 'count', series: rows.map((r) => ({ bucket: new Date(Number(r.bucket_ms)).toISOString(), channel: String(r.channel), value: Number(r[kpi]) })) };
    },
  );
};
