import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Warehouse } from '../../shared/ports/warehouse.js';
import { ErrorReply } from '../../shared/error-reply.js';
import { iso, timeParam } from '../routes/time-range.js';
import { CHECKPOINT_ACTION, entryFromRow, type AuditEntry } from './audit-chain.js';
import { verifyStoredChain } from './audit-log.js';

const base = { tags: ['audit'], security: [{ bearer: [] }] };
const ERRORS = { 400: ErrorReply, 401: ErrorReply, 403: ErrorReply };

const AuditQuery = Type.Object(
  {
    actor: Type.Optional(Type.String({ maxLength: 128, description: 'actor id: a user id or an API key id (e.g. admin-default, agent:ag_wang)' })),
    action: Type.Optional(
      Type.String({ maxLength: 64, pattern: '^[a-z_.]*$', description: 'action or its prefix: customer., auth.failed, routing.policy.change …' }),
    ),
    customer: Type.Optional(Type.String({ maxLength: 128, description: 'customer id whose data was read or changed' })),
    from: Type.Optional(Type.String({ description: 'ISO-8601 or epoch ms, inclusive' })),
    to: Type.Optional(Type.String({ description: 'ISO-8601 or epoch ms, exclusive' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
);

const Entry = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  actor: Type.Record(Type.String(), Type.Unknown()),
  action: Type.String(),
  target: Type.String(),
  customer_id: Type.Union([Type.String(), Type.Null()]),
  ip: Type.String(),
  status: Type.Integer(),
  before: Type.Unknown(),
  after: Type.Unknown(),
  prev_hash: Type.String(),
  hash: Type.String(),
  checkpoint: Type.Boolean({ description: 'a signed checkpoint entry (its HMAC covers the chain up to here)' }),
});

const ChainStatus = Type.Object({
  ok: Type.Boolean(),
  entries: Type.Integer(),
  head: Type.Object({ seq: Type.Integer(), hash: Type.String() }),
  checkpoints: Type.Integer(),
  signedThrough: Type.Integer(),
  unsignedTail: Type.Integer(),
  problems: Type.Array(Type.Object({ seq: Type.Integer(), kind: Type.String(), detail: Type.String() })),
});

const json = (s: string): unknown => {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
};

/** An entry as the API shows it: JSON fields parsed, the time in ISO-8601. */
export function entryView(e: AuditEntry) {
  return {
    seq: e.seq,
    at: iso(e.at),
    actor: json(e.actor) as Record<string, unknown>,
    action: e.action,
    target: e.target,
    customer_id: e.customer_id,
    ip: e.ip,
    status: e.status,
    before: json(e.before),
    after: json(e.after),
    prev_hash: e.prev_hash,
    hash: e.hash,
    checkpoint: e.action === CHECKPOINT_ACTION && e.signature !== null,
  };
}

/** GET /v1/audit (admins: the entries, filtered) and GET /v1/audit/verify (the whole chain checked). */
export const auditRoutes: FastifyPluginAsyncTypebox<{ warehouse: Warehouse; key: Buffer }> = async (app, { warehouse, key }) => {
  app.get(
    '/v1/audit',
    {
      config: { permission: 'audit:read' },
      schema: {
        ...base,
        summary: 'Audit log entries, newest first, by actor, action, customer and time',
        querystring: AuditQuery,
        response: { 200: Type.Object({ entries: Type.Array(Entry), next_offset: Type.Union([Type.Integer(), Type.Null()]) }), ...ERRORS },
      },
    },
    async (req) => {
      const q = req.query;
      const limit = q.limit ?? 100;
      const offset = q.offset ?? 0;
      const rows = await warehouse.query<Record<string, unknown>>('audit_search', {
        actor: q.actor ?? '',
        actor_json: JSON.stringify(q.actor ?? ''),
        action: q.action ?? '',
        customer: q.customer ?? '',
        from_ms: timeParam('from', q.from, 0),
        to_ms: timeParam('to', q.to, 253_402_300_799_999),
        limit: limit + 1,
        offset,
      });
      return { entries: rows.slice(0, limit).map((r) => entryView(entryFromRow(r))), next_offset: rows.length > limit ? offset + limit : null };
    },
  );

  app.get(
    '/v1/audit/verify',
    {
      config: { permission: 'audit:read' },
      schema: {
        ...base,
        summary: 'Checks the whole audit chain: edited, removed or reordered entries and checkpoint signatures',
        response: { 200: ChainStatus, ...ERRORS },
      },
    },
    async () => verifyStoredChain(warehouse, key),
  );
};
