import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Clock } from '../../shared/clock.js';
import { OmnilaneError } from '../../shared/errors.js';
import type { Warehouse } from '../../shared/ports/warehouse.js';
import { ErrorReply } from '../../shared/error-reply.js';
import { FunnelQuery, FunnelReply } from '../schemas.js';
import { iso, timeParam } from './time-range.js';

type Row = Record<string, string | number | null>;
const DAY = 86_400_000;
const MAX_RANGE = 366 * DAY;

interface FunnelCounts {
  key: string;
  inquiries: number;
  opportunities: number;
  deals: number;
  deal_value: number;
  avg_inquiry_to_opportunity_ms: number | null;
  avg_opportunity_to_deal_ms: number | null;
  avg_inquiry_to_deal_ms: number | null;
}

const rate = (a: number, b: number) => (b > 0 ? a / b : 0);
const n = (v: string | number | null | undefined) => (v === null || v === undefined || v === '' || !Number.isFinite(Number(v)) ? null : Number(v));

/** Adds the step rates to a group's counts. */
export function withRates(c: FunnelCounts) {
  return { ...c, opportunity_rate: rate(c.opportunities, c.inquiries), deal_rate: rate(c.deals, c.opportunities), overall_rate: rate(c.deals, c.inquiries) };
}

/** The all-groups row: sums, and averages weighted by how many customers reached each step. */
export function funnelTotal(groups: FunnelCounts[]): FunnelCounts {
  const sum = (f: (g: FunnelCounts) => number) => groups.reduce((s, g) => s + f(g), 0);
  const wavg = (avg: (g: FunnelCounts) => number | null, w: (g: FunnelCounts) => number) => {
    const weight = sum((g) => (avg(g) === null ? 0 : w(g)));
    return weight > 0 ? sum((g) => (avg(g) ?? 0) * w(g)) / weight : null;
  };
  return {
    key: '',
    inquiries: sum((g) => g.inquiries),
    opportunities: sum((g) => g.opportunities),
    deals: sum((g) => g.deals),
    deal_value: sum((g) => g.deal_value),
    avg_inquiry_to_opportunity_ms: wavg(
      (g) => g.avg_inquiry_to_opportunity_ms,
      (g) => g.opportunities,
    ),
    avg_opportunity_to_deal_ms: wavg(
      (g) => g.avg_opportunity_to_deal_ms,
      (g) => g.deals,
    ),
    avg_inquiry_to_deal_ms: wavg(
      (g) => g.avg_inquiry_to_deal_ms,
      (g) => g.deals,
    ),
  };
}

/** GET /v1/funnel: inquiry → opportunity → deal per channel, source or segment (docs/metrics.md, "Funnel"). */
export const funnelRoutes: FastifyPluginAsyncTypebox<{ warehouse: Warehouse; clock: Clock }> = async (app, { warehouse, clock }) => {
  app.get(
    '/v1/funnel',
    {
      config: { permission: 'metrics:read' },
      schema: {
        summary: 'Funnel inquiry → opportunity → deal by channel, source or segment, with a conversion window per step and time to convert',
        tags: ['funnel'],
        security: [{ bearer: [] }],
        querystring: FunnelQuery,
        response: { 200: FunnelReply, 400: ErrorReply, 401: ErrorReply },
      },
    },
    async (req) => {
      const to = timeParam('to', req.query.to, clock.now());
      const from = timeParam('from', req.query.from, to - 30 * DAY);
      if (from >= to) throw new OmnilaneError('API_ERR_VALIDATION', 'from must be before to');
      if (to - from > MAX_RANGE) throw new OmnilaneError('API_ERR_VALIDATION', 'the range may span at most 366 days');
      const by = req.query.by ?? 'channel';
      const windowHours = req.query.window_hours ?? 168;
      const rows = await warehouse.query<Row>('funnel', { from_ms: from, to_ms: to, window_ms: windowHours * 3_600_000, by });
      const groups: FunnelCounts[] = rows.map((r) => ({
        key: r.key === null ? '' : String(r.key),
        inquiries: Number(r.inquiries),
        opportunities: Number(r.opportunities),
        deals: Number(r.deals),
        deal_value: Number(r.deal_value ?? 0),
        avg_inquiry_to_opportunity_ms: n(r.avg_inquiry_to_opportunity_ms),
        avg_opportunity_to_deal_ms: n(r.avg_opportunity_to_deal_ms),
        avg_inquiry_to_deal_ms: n(r.avg_inquiry_to_deal_ms),
      }));
      return {
        from: iso(from),
        to: iso(to),
        by,
        window_hours: windowHours,
        steps: ['inquiry', 'opportunity', 'deal'],
        groups: groups.map(withRates),
        total: withRates(funnelTotal(groups)),
      };
    },
  );
};
