import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Clock } from '../../shared/clock.js';
import type { ExperimentDefinition, ExperimentTarget } from '../../stream/experiments/definition.js';
import type { ExperimentService } from '../../stream/experiments/experiment-service.js';
import type { ExperimentAssigner } from '../../stream/experiments/exposure.js';
import type { ExperimentReport } from '../../stream/experiments/report.js';
import { ErrorReply } from '../../shared/error-reply.js';
import { AssignBody, AssignReply, ExperimentList, ExperimentReportReply, ExperimentView } from './experiment-schemas.js';
import { iso } from './time-range.js';

const base = { tags: ['experiments'], security: [{ bearer: [] }] };
const IdParams = Type.Object({ id: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' }) });

/** The definition without its salt (see ExperimentView). */
export function experimentView(d: ExperimentDefinition): ExperimentView {
  const { salt: _salt, ...rest } = d;
  return { ...rest, started_at: iso(d.started_at) };
}

/** The report for JSON: times as ISO strings, the definition as its view. */
export function reportView(r: ExperimentReport) {
  return {
    ...r,
    experiment: experimentView(r.experiment),
    as_of: iso(r.as_of),
    srm: { chi_square: r.srm.chiSquare, df: r.srm.df, p_value: r.srm.pValue, mismatch: r.srm.mismatch },
    timeline: r.timeline.map((p) => ({ ...p, at: iso(p.at) })),
  };
}

/**
 * Experiments (docs/experiments.md): managers define them, viewers read reports, services and the console ask
 * for a customer's variant through the exposure hook.
 */
export const experimentRoutes: FastifyPluginAsyncTypebox<{ experiments: ExperimentService; assigner?: ExperimentAssigner; clock: Clock }> = async (
  app,
  { experiments, assigner },
) => {
  app.get(
    '/v1/experiments',
    {
      config: { permission: 'metrics:read' },
      schema: { ...base, summary: 'Experiment definitions', response: { 200: ExperimentList, 401: ErrorReply, 403: ErrorReply } },
    },
    async () => ({ experiments: (await experiments.list()).map(experimentView) }),
  );

  app.post(
    '/v1/experiments',
    {
      config: { permission: 'experiments:manage' },
      schema: {
        ...base,
        summary: 'Define or update an experiment (manager, admin); variants, weights and salt are frozen once it has run',
        body: Type.Record(Type.String(), Type.Unknown(), {
          description: 'An experiment definition (docs/experiments.md, "Defining an experiment"); validated in full, errors EXP_ERR_INVALID',
        }),
        response: { 200: ExperimentView, 201: ExperimentView, 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 409: ErrorReply },
      },
    },
    async (req, reply) => {
      const { definition, created } = await experiments.define(req.body);
      return reply.code(created ? 201 : 200).send(experimentView(definition));
    },
  );

  app.get(
    '/v1/experiments/:id',
    {
      config: { permission: 'metrics:read' },
      schema: {
        ...base,
        summary: 'One experiment definition',
        params: IdParams,
        response: { 200: ExperimentView, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply },
      },
    },
    async (req) => experimentView(await experiments.get(req.params.id)),
  );

  app.get(
    '/v1/experiments/:id/report',
    {
      config: { permission: 'metrics:read' },
      schema: {
        ...base,
        summary:
          'Per-variant outcome metrics with always-valid intervals, probability to beat control, SRM check, daily lift and the ship / keep running / stop call',
        params: IdParams,
        response: { 200: ExperimentReportReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply },
      },
    },
    async (req) => reportView(await experiments.report(req.params.id)),
  );

  if (assigner) {
    app.post(
      '/v1/experiments/assign',
      {
        config: { permission: 'experiments:assign' },
        schema: {
          ...base,
          summary: "A customer's variant of the running experiment on a target; logs experiment.exposed once per customer per experiment",
          body: AssignBody,
          response: { 200: AssignReply, 400: ErrorReply, 401: ErrorReply, 403: ErrorReply },
        },
      },
      async (req) => {
        const a = await assigner.variantFor(req.body.target as ExperimentTarget, req.body.customer_key, {
          channel: req.body.channel,
          conversation_id: req.body.conversation_id,
        });
        return a ?? { experiment_id: null, variant: null, config: null, first_exposure: false };
      },
    );
  }
};
