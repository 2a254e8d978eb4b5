import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { OmnilaneError } from '../../shared/errors.js';
import type { Clock } from '../../shared/clock.js';
import { ARROW_STREAM, seriesToArrow, wantsArrow } from '../metrics/arrow.js';
import { FILTER_NAMES, KPI_NAMES, isKpiName, kpiDef, type KpiFilters } from '../../shared/kpi-catalogue.js';
import { GRANULARITY_MS, unknownKpi, type Granularity, type KpiService } from '../metrics/kpi-service.js';
import { labelToInstant, offsetAt } from '../metrics/time-zone.js';
import { timeParam } from './time-range.js';
import type { Principal } from '../auth/roles.js';
import { ErrorReply } from '../../shared/error-reply.js';
import { DrillQuery, DrillReply, MetricCatalogueReply, MetricParams, MetricQuery, MetricReply } from '../schemas.js';

const MAX_BUCKETS = 100_000;
/** Offsets are sampled over the range (metrics/time-zone.ts): ten years bounds that work. */
const MAX_RANGE_MS = 3660 * 86_400_000;

const filtersOf = (q: Partial<Record<(typeof FILTER_NAMES)[number], string>>): KpiFilters =>
  Object.fromEntries(FILTER_NAMES.filter((f) => q[f] !== undefined).map((f) => [f, q[f]]));

function kpiOf(name: string) {
  if (!isKpiName(name)) throw unknownKpi(name);
  return name;
}

/** The start of the bucket of `granularity` in `tz` that holds instant `t`, and the next one. */
function bucketRange(tz: string, t: number, granularity: Granularity): [number, number] {
  const size = GRANULARITY_MS[granularity];
  const local = t + offsetAt(tz, t);
  const label = Math.floor(local / size) * size;
  return [labelToInstant(tz, label), labelToInstant(tz, label + size)];
}

/**
 * GET /v1/metrics (the catalogue), GET /v1/metrics/{kpi} (a KPI per bucket and group, JSON or Arrow IPC) and
 * GET /v1/metrics/{kpi}/conversations (drill-down). Definitions: docs/metrics.md.
 */
export interface MetricRouteDeps {
  kpis: KpiService;
  clock: Clock;
  /** Which of these conversations the principal owns (row scope of the drill-down for managers); absent: none. */
  owned?: (p: Principal, conversationIds: string[]) => Promise<Set<string>>;
}

/** What an analyst sees instead of a customer id in a drill-down. */
export const MASKED = '***';

export const metricRoutes: FastifyPluginAsyncTypebox<MetricRouteDeps> = async (app, { kpis, clock, owned }) => {
  const security: Array<Record<string, string[]>> = [{ bearer: [] }, { session: [] }];

  app.get(
    '/v1/metrics',
    {
      config: { permission: 'metrics:read' },
      schema: {
        summary: 'The KPIs there are: unit, fields, dimensions',
        tags: ['metrics'],
        security,
        response: { 200: MetricCatalogueReply, 401: ErrorReply },
      },
    },
    async () => ({
      time_zone: kpis.timeZone,
      kpis: KPI_NAMES.map((kpi) => {
        const d = kpiDef(kpi);
        return {
          kpi,
          unit: d.unit,
          summary: d.summary,
          fields: ['value', ...d.extras],
          group_by: [...d.groupBys],
          filters: [...d.filters],
          drill: d.drill !== null,
        };
      }),
    }),
  );

  app.get(
    '/v1/metrics/:kpi',
    {
      config: { permission: 'metrics:read' },
      schema: {
        summary: 'A KPI per bucket and group (event-time, time-zone aligned); Arrow IPC with Accept: application/vnd.apache.arrow.stream',
        description: `KPIs: ${KPI_NAMES.join(', ')}. Units and definitions: docs/metrics.md. The Arrow stream has columns bucket (Timestamp ms), group, channel (Utf8), value and the extra fields (Float64); kpi, unit, granularity, time_zone, group_by, from and to are in the schema metadata.`,
        tags: ['metrics'],
        security,
        params: MetricParams,
        querystring: MetricQuery,
        produces: ['application/json', ARROW_STREAM],
        response: {
          200: {
            content: {
              'application/json': { schema: MetricReply },
              // Bytes on the wire, a binary string in OpenAPI: the same schema as Type.String, typed as the Buffer sent.
              [ARROW_STREAM]: { schema: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'Arrow IPC stream' }) },
            },
          },
          400: ErrorReply,
          401: ErrorReply,
          404: ErrorReply,
        },
      },
    },
    async (req, reply) => {
      const kpi = kpiOf(req.params.kpi);
      const to = timeParam('to', req.query.to, clock.now());
      const from = timeParam('from', req.query.from, to - 3600_000);
      if (from >= to) throw new OmnilaneError('API_ERR_VALIDATION', 'from must be before to');
      if (to - from > MAX_RANGE_MS) throw new OmnilaneError('API_ERR_VALIDATION', 'from and to may be at most 3660 days apart');
      const granularity = req.query.granularity ?? 'minute';
      if ((to - from) / GRANULARITY_MS[granularity] > MAX_BUCKETS)
        throw new OmnilaneError('API_ERR_VALIDATION', `more than ${MAX_BUCKETS} buckets; use a coarser granularity`);
      const series = await kpis.series(kpi, { from, to, granularity, group_by: req.query.group_by ?? 'channel', filters: filtersOf(req.query) });
      if (wantsArrow(req.headers.accept)) return reply.type(ARROW_STREAM).send(Buffer.from(seriesToArrow(series)));
      return reply.type('application/json').send(series);
    },
  );

  app.get(
    '/v1/metrics/:kpi/conversations',
    {
      config: { permission: 'metrics:drill' },
      schema: {
        summary:
          "Drill-down: the conversations behind one bucket (bucket + granularity) or window (from + to) of a KPI, at most 200 (managers: their teams' conversations; analysts: customer ids masked)",
        tags: ['metrics'],
        security,
        params: MetricParams,
        querystring: DrillQuery,
        response: { 200: DrillReply, 400: ErrorReply, 401: ErrorReply, 404: ErrorReply },
      },
    },
    async (req) => {
      const kpi = kpiOf(req.params.kpi);
      const q = req.query;
      let from: number;
      let to: number;
      if (q.bucket !== undefined) {
        [from, to] = bucketRange(kpis.timeZone, timeParam('bucket', q.bucket, 0), q.granularity ?? 'minute');
      } else {
        if (q.from === undefined || q.to === undefined) throw new OmnilaneError('API_ERR_VALIDATION', 'give bucket (with granularity) or from and to');
        from = timeParam('from', q.from, 0);
        to = timeParam('to', q.to, 0);
        if (from >= to) throw new OmnilaneError('API_ERR_VALIDATION', 'from must be before to');
      }
      const groupBy = q.group_by ?? (q.group === undefined ? 'none' : 'channel');
      const rows = await kpis.drill(kpi, from, to, groupBy, q.group ?? null, filtersOf(q));
      // Row scope: admins see every row; managers the conversations of their teams (ownership); analysts every
      // row with the customer id masked (they see aggregates, not people).
      const p = req.principal!;
      if (p.role === 'admin') return { conversations: rows };
      if (p.role === 'analyst') return { conversations: rows.map((r) => ({ ...r, customer_key: MASKED })) };
      const mine = owned
        ? await owned(
            p,
            rows.map((r) => r.conversation_id),
          )
        : new Set<string>();
      return { conversations: rows.filter((r) => mine.has(r.conversation_id)) };
    },
  );
};
