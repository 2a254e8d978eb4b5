import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorReply } from '../../shared/error-reply.js';
import type { Warehouse } from '../../shared/ports/warehouse.js';
import { openDeadLetter, type PersonalData } from '../../shared/privacy/personal-data.js';

export interface DeadLetterRouteDeps {
  warehouse: Warehouse;
  /** Opens the sealed payloads (docs/privacy.md, "Dead letters"); absent or off: payloads are shown as stored. */
  personal?: Pick<PersonalData, 'open'>;
}

const Query = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })) });
const DeadLetter = Type.Object({
  source: Type.String({ description: '`ingest` (a refused event), `stream` (an undecodable bus message) or a channel' }),
  ref: Type.String(),
  code: Type.String({ description: 'the error code it was refused with (docs/errors.md)' }),
  reason: Type.String(),
  payload: Type.Union([Type.String(), Type.Null()], {
    description: 'what was refused, opened; null once its day is past PRIVACY_DEAD_LETTER_DAYS (its key is destroyed)',
  }),
  failed_at_ms: Type.Integer(),
});
const Reply = Type.Object({ dead_letters: Type.Array(DeadLetter) });
const SECURITY: Array<Record<string, string[]>> = [{ bearer: [] }, { session: [] }];

interface Row {
  source: string;
  ref: string;
  code: string;
  reason: string;
  payload: string;
  failed_at_ms: number | string;
}

/**
 * GET /v1/dead-letters: the latest refused events and payloads, newest first, for inspection and replay. Payloads
 * may hold anything a sender sent (phones, message text), so they are sealed at rest under the day's dead-letter
 * key and opened here, for admins only; audited.
 */
export const deadLetterRoutes: FastifyPluginAsyncTypebox<DeadLetterRouteDeps> = async (app, deps) => {
  app.get(
    '/v1/dead-letters',
    {
      config: { permission: 'dead_letters:read' },
      schema: {
        summary: 'Refused events and webhook payloads (dead letters), newest first, with their payloads opened',
        tags: ['operations'],
        security: SECURITY,
        querystring: Query,
        response: { 200: Reply, 400: ErrorReply, 401: ErrorReply, 403: ErrorReply },
      },
    },
    async (req) => {
      const rows = await deps.warehouse.query<Row>('dead_letters_recent', { limit: req.query.limit ?? 100 });
      const dead = [];
      for (const r of rows) {
        const at = Number(r.failed_at_ms);
        const payload = await openDeadLetter(deps.personal, r.payload, at);
        dead.push({ source: r.source, ref: r.ref, code: r.code, reason: r.reason, payload, failed_at_ms: at });
      }
      req.auditDetail = { target: 'dead_letters', after: { rows: dead.length } };
      return { dead_letters: dead };
    },
  );
};
