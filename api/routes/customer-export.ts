import type { PersonalData } from '../../shared/privacy/personal-data.js';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Clock } from '../../shared/clock.js';
import { ErrorReply } from '../../shared/error-reply.js';
import { OmnilaneError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { Warehouse } from '../../shared/ports/warehouse.js';
import type { FollowupStore } from '../../stream/followup/followup-store.js';
import type { IdentityService } from '../../stream/identity/identity-service.js';
import { exportCustomer } from '../../stream/privacy/customer-export.js';

export interface CustomerExportRouteDeps {
  warehouse: Warehouse;
  clock: Clock;
  log: Logger;
  identity?: IdentityService;
  /** Follow-up timers and consent; absent, those sections are marked unavailable. */
  followups?: Pick<FollowupStore, 'read' | 'consent'>;
  /** Opens sealed personal fields: the person gets their own data readable (docs/privacy.md). */
  personal?: PersonalData;
}

const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128, description: 'customer id, e.g. cus_42' }) });
const Cell = Type.Union([Type.String(), Type.Number(), Type.Null()]);
const Section = Type.Object({
  name: Type.String(),
  source: Type.String({ description: 'the store and table (named query) the rows came from' }),
  rows: Type.Integer(),
  columns: Type.Array(Type.String()),
  data: Type.Array(Type.Record(Type.String(), Cell)),
  csv: Type.String({ description: 'the same rows as RFC 4180 CSV, header first' }),
  unavailable: Type.Optional(Type.String({ description: 'why this process could not read the source' })),
});
const ExportReply = Type.Object({
  format: Type.Literal('omnilane.customer-export/1'),
  customer_id: Type.String(),
  requested_id: Type.String(),
  customer_ids: Type.Array(Type.String()),
  generated_at: Type.String({ format: 'date-time' }),
  sections: Type.Array(Section),
});
const SECURITY: Array<Record<string, string[]>> = [{ bearer: [] }, { session: [] }];

/** GET /v1/customers/{id}/export: the data-subject export (docs/privacy.md, "Export"); audited as privacy.export. */
export const customerExportRoutes: FastifyPluginAsyncTypebox<CustomerExportRouteDeps> = async (app, deps) => {
  app.get(
    '/v1/customers/:id/export',
    {
      config: { permission: 'customers:export' },
      schema: {
        summary: 'Data-subject export: everything held about the customer, one JSON document with each table as rows and CSV',
        tags: ['privacy'],
        security: SECURITY,
        params: Id,
        response: { 200: ExportReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply },
      },
    },
    async (req, reply) => {
      const doc = await exportCustomer(deps, req.params.id);
      if (!doc) throw new OmnilaneError('API_ERR_NOT_FOUND', `no customer ${req.params.id}`);
      const counts = Object.fromEntries(doc.sections.map((s) => [s.name, s.rows]));
      req.auditDetail = {
        customer: doc.customer_id,
        target: `customer:${doc.customer_id}`,
        after: { requested_id: doc.requested_id, customer_ids: doc.customer_ids, rows: counts },
      };
      // Ids and counts only: never a row of the export in a log line.
      deps.log.info({ customer: doc.customer_id, rows: counts }, 'customer export');
      void reply.header('content-disposition', `attachment; filename="customer-${doc.customer_id.replace(/[^A-Za-z0-9_-]/g, '_')}-export.json"`);
      return doc;
    },
  );
};
