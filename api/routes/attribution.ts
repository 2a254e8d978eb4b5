import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Clock } from '../../shared/clock.js';
import { OmnilaneError } from '../../shared/errors.js';
import type { Warehouse } from '../../shared/ports/warehouse.js';
import { JOB_MODELS, type AttributionJob } from '../../stream/attribution/attribution-job.js';
import { ErrorReply } from '../../shared/error-reply.js';
import { AttributionQuery, AttributionReply, AttributionRunBody, AttributionRunReply, TransitionsReply } from '../schemas.js';
import { iso, timeParam } from './time-range.js';

type Row = Record<string, string | number | null>;
const num = (v: string | number | null | undefined) => (v === null || v === undefined ? null : Number(v));
const interval = (lo: string | number | null, hi: string | number | null): [number, number] | null =>
  lo === null || hi === null || lo === undefined || hi === undefined ? null : [Number(lo), Number(hi)];

function notReady(): never {
  throw new OmnilaneError('API_ERR_NOT_READY', 'attribution is not running in this process');
}

function windowParams(q: { from?: string; to?: string }) {
  const from = timeParam('from', q.from, null);
  const to = timeParam('to', q.to, null);
  if (from !== null && to !== null && from >= to) throw new OmnilaneError('API_ERR_VALIDATION', 'from must be before to');
  return { from_ms: from, to_ms: to };
}

/** Groups `attribution_latest` rows into one entry per model (in JOB_MODELS order, unknown models last). */
export function groupAttributionRows(rows: Row[]) {
  const models = new Map<string, ReturnType<typeof modelEntry>>();
  function modelEntry(r: Row) {
    const order = Number(r.model_order);
    return {
      model: String(r.model),
      order: order > 0 ? order : null,
      run_id: String(r.run_id),
      run_at: iso(Number(r.run_at_ms)),
      window_from: iso(Number(r.window_from_ms)),
      window_to: iso(Number(r.window_to_ms)),
      journeys: Number(r.journeys),
      total_conversions: 0,
      total_value: 0,
      channels: [] as Array<{
        channel: string;
        removal_effect: number | null;
        conversions: number;
        value: number;
        conversions_ci: [number, number] | null;
        value_ci: [number, number] | null;
      }>,
    };
  }
  for (const r of rows) {
    const k = `${r.model}\u0000${r.model_order}`;
    let m = models.get(k);
    if (!m) models.set(k, (m = modelEntry(r)));
    const c = {
      channel: String(r.channel),
      removal_effect: num(r.removal_effect),
      conversions: Number(r.conversions),
      value: Number(r.value),
      conversions_ci: interval(r.conversions_lower, r.conversions_upper),
      value_ci: interval(r.value_lower, r.value_upper),
    };
    m.channels.push(c);
    m.total_conversions += c.conversions;
    m.total_value += c.value;
  }
  const rank = (m: string) => {
    const i = (JOB_MODELS as readonly string[]).indexOf(m);
    return i === -1 ? JOB_MODELS.length : i;
  };
  const list = [...models.values()].sort((a, b) => rank(a.model) - rank(b.model) || a.model.localeCompare(b.model) || (a.order ?? 0) - (b.order ?? 0));
  for (const m of list) m.channels.sort((a, b) => (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0));
  const channels = [...new Set(list.flatMap((m) => m.channels.map((c) => c.channel)))].sort();
  return { channels, models: list };
}

/**
 * GET /v1/attribution (latest results per model and channel), POST /v1/attribution/run (admins: run now),
 * GET /v1/attribution/transitions (the Markov transition matrix). 503 API_ERR_NOT_READY without a job.
 */
export const attributionRoutes: FastifyPluginAsyncTypebox<{ warehouse: Warehouse; clock: Clock; attribution?: AttributionJob }> = async (
  app,
  { warehouse, attribution },
) => {
  app.get(
    '/v1/attribution',
    {
      config: { permission: 'metrics:read' },
      schema: {
        summary: 'Attribution: the latest run of every model, credits per channel (with bootstrap intervals and Markov removal effects)',
        tags: ['attribution'],
        security: [{ bearer: [] }],
        querystring: AttributionQuery,
        response: { 200: AttributionReply, 400: ErrorReply, 401: ErrorReply, 503: ErrorReply },
      },
    },
    async (req) => {
      if (!attribution) notReady();
      const rows = await warehouse.query<Row>('attribution_latest', windowParams(req.query));
      const status = attribution.status();
      return { ...groupAttributionRows(rows), job: { running: status.running, last_run_at: status.last_run ? iso(status.last_run.run_at) : null } };
    },
  );

  app.post(
    '/v1/attribution/run',
    {
      config: { permission: 'attribution:run' },
      schema: {
        summary: 'Runs attribution now (admins) over the rolling window or the given one, and stores the results',
        tags: ['attribution'],
        security: [{ bearer: [] }],
        body: AttributionRunBody,
        response: { 200: AttributionRunReply, 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 503: ErrorReply },
      },
    },
    async (req) => {
      if (!attribution) notReady();
      const body = req.body ?? {};
      let window: { from: number; to: number } | undefined;
      if (body.from !== undefined || body.to !== undefined) {
        const rolling = attribution.currentWindow();
        const to = timeParam('to', body.to, rolling.to);
        const from = timeParam('from', body.from, to - (rolling.to - rolling.from));
        if (from >= to) throw new OmnilaneError('API_ERR_VALIDATION', 'from must be before to');
        window = { from, to };
      }
      const s = await attribution.runOnce(window);
      return { ...s, run_at: iso(s.run_at), window_from: iso(s.window_from), window_to: iso(s.window_to) };
    },
  );

  app.get(
    '/v1/attribution/transitions',
    {
      config: { permission: 'metrics:read' },
      schema: {
        summary: 'The Markov chain (order 1) of the latest run: transition probabilities between states',
        tags: ['attribution'],
        security: [{ bearer: [] }],
        querystring: AttributionQuery,
        response: { 200: TransitionsReply, 400: ErrorReply, 401: ErrorReply, 503: ErrorReply },
      },
    },
    async (req) => {
      if (!attribution) notReady();
      const rows = await warehouse.query<Row>('attribution_transitions_latest', windowParams(req.query));
      const first = rows[0];
      return {
        run_id: first ? String(first.run_id) : null,
        run_at: first ? iso(Number(first.run_at_ms)) : null,
        order: first ? Number(first.model_order) : 1,
        window_from: first ? iso(Number(first.window_from_ms)) : null,
        window_to: first ? iso(Number(first.window_to_ms)) : null,
        transitions: rows.map((r) => ({ from: String(r.from_state), to: String(r.to_state), probability: Number(r.probability) })),
      };
    },
  );
};
