import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorReply } from '../../shared/error-reply.js';
import { OmnilaneError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { ERASURE_STORES, type CustomerErasure, type ErasureJob } from '../../stream/privacy/customer-erasure.js';

export interface CustomerErasureRouteDeps {
  erasure: CustomerErasure;
  log: Logger;
}

const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128, description: 'customer id, e.g. cus_42' }) });
const JobParam = Type.Object({ job: Type.String({ minLength: 1, maxLength: 128, description: 'erasure job id, e.g. era_…' }) });
const StoreReport = Type.Object({
  store: Type.Union(ERASURE_STORES.map((s) => Type.Literal(s))),
  status: Type.Union([Type.Literal('pending'), Type.Literal('done'), Type.Literal('skipped')]),
  deleted: Type.Union([Type.Integer(), Type.Null()], { description: 'rows (warehouse) or keys (state store) deleted' }),
  at_ms: Type.Union([Type.Integer(), Type.Null()]),
  note: Type.Optional(Type.String()),
});
const JobReply = Type.Object({
  job: Type.String(),
  customer_id: Type.String(),
  requested_id: Type.String(),
  customer_ids: Type.Array(Type.String()),
  status: Type.Union([Type.Literal('running'), Type.Literal('done')]),
  already_erased: Type.Boolean({ description: 'true when this request found the customer erased already (nothing was done)' }),
  created_at_ms: Type.Integer(),
  finished_at_ms: Type.Union([Type.Integer(), Type.Null()]),
  stores: Type.Array(StoreReport),
});
const SECURITY: Array<Record<string, string[]>> = [{ bearer: [] }, { session: [] }];

/** The public view of a job: ids, status and counts (the conversation ids and identifier digests stay inside). */
export const jobView = (j: ErasureJob, alreadyErased = false) => ({
  job: j.job,
  customer_id: j.customer_id,
  requested_id: j.requested_id,
  customer_ids: j.customer_ids,
  status: j.status,
  already_erased: alreadyErased,
  created_at_ms: j.created_at_ms,
  finished_at_ms: j.finished_at_ms,
  stores: j.stores,
});

/**
 * DELETE /v1/customers/{id}: starts (or resumes) the durable erasure job (docs/privacy.md, "Erasure") and answers 202
 * with its id; a customer erased already answers 200 with the finished job and `already_erased`. Audited as
 * privacy.erase. GET /v1/privacy/erasures/{job} reports the job per store.
 */
export const customerErasureRoutes: FastifyPluginAsyncTypebox<CustomerErasureRouteDeps> = async (app, deps) => {
  app.delete(
    '/v1/customers/:id',
    {
      config: { permission: 'customers:erase' },
      schema: {
        summary: 'Erase a customer (GDPR art. 17, CCPA delete, PIPL): a durable job over every store; poll GET /v1/privacy/erasures/{job}',
        tags: ['privacy'],
        security: SECURITY,
        params: Id,
        response: { 200: JobReply, 202: JobReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply },
      },
    },
    async (req, reply) => {
      const started = await deps.erasure.start(req.params.id);
      if (!started) throw new OmnilaneError('API_ERR_NOT_FOUND', `no customer ${req.params.id}`);
      const { job, created } = started;
      const already = job.status === 'done';
      req.auditDetail = {
        customer: job.customer_id,
        target: `customer:${job.customer_id}`,
        after: { job: job.job, requested_id: job.requested_id, customer_ids: job.customer_ids, started: created, already_erased: already },
      };
      if (already) return reply.code(200).send(jobView(job, true));
      // Runs on after the reply; a crash leaves the job resumable by the next DELETE (or the CLI).
      deps.erasure.run(job).then(
        (done) => deps.log.info({ job: done.job, customer: done.customer_id, stores: done.stores.map((s) => [s.store, s.deleted]) }, 'customer erased'),
        (err: unknown) => deps.log.error({ err, job: job.job, customer: job.customer_id }, 'customer erasure stopped; a new request resumes it'),
      );
      return reply.code(202).send(jobView(job));
    },
  );

  app.get(
    '/v1/privacy/erasures/:job',
    {
      config: { permission: 'customers:erase' },
      schema: {
        summary: 'An erasure job: its status and what each store deleted',
        tags: ['privacy'],
        security: SECURITY,
        params: JobParam,
        response: { 200: JobReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply },
      },
    },
    async (req) => {
      const job = await deps.erasure.job(req.params.job);
      if (!job) throw new OmnilaneError('API_ERR_NOT_FOUND', `no erasure job ${req.params.job}`);
      return jobView(job);
    },
  );
};
