import type { CustomerInput } from '../../shared/envelope.js';
import type { PersonalData } from '../../shared/privacy/personal-data.js';
import type { CustomerIdentity } from '../../stream/identity/identity-service.js';
import { openEventRows } from '../../stream/privacy/open-rows.js';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Clock } from '../../shared/clock.js';
import { OmnilaneError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { Warehouse } from '../../shared/ports/warehouse.js';
import type { CrmOpportunity, CrmPort, CrmRecord } from '../../stream/crm/crm-port.js';
import type { IdentityService } from '../../stream/identity/identity-service.js';
import { ErrorReply } from '../../shared/error-reply.js';
import { actorId, type Principal } from '../auth/roles.js';
import { customerScope } from './customers-scope.js';
import { customerSearchRoutes } from './customers-search.js';

export interface CustomerRouteDeps {
  warehouse: Warehouse;
  clock: Clock;
  log: Logger;
  /** The identity graph; without it the routes that need it answer 503 API_ERR_NOT_READY. */
  identity?: IdentityService;
  crm: CrmPort;
  /** Row-level scope of agents and managers by ownership (customers-scope.ts); absent: they see no customer. */
  scope?: (principal: Principal, customerIds: string[]) => Promise<boolean>;
  /** Opens sealed personal fields for these authorised reads (docs/privacy.md); absent: rows as stored. */
  personal?: PersonalData;
}

const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128, description: 'customer id, e.g. cus_42' }) });
const Json = Type.Unknown();
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

const CustomerReply = Type.Object({
  id: Type.String({ description: 'the customer id (the survivor when the asked-for id was merged)' }),
  requested_id: Type.String(),
  external_id: Nullable(Type.String()),
  created_at: Nullable(Type.String({ format: 'date-time' })),
  identifiers: Type.Array(Type.String(), { description: 'ext:…, email:…, phone:+E.164, anon:…, <channel>:<provider id>' }),
  merged: Type.Array(Type.String(), { description: 'customer ids merged into this one (see /merges)' }),
  tag: Type.String({ description: 'VIP, high_value or normal: the latest properties.tag of their events (normal without one)' }),
  tags: Type.Array(Type.Object({ tag: Type.String(), events: Type.Integer(), last_at: Type.String({ format: 'date-time' }) })),
  crm: Type.Object({
    status: Type.Union([Type.Literal('ok'), Type.Literal('not_found'), Type.Literal('unavailable')]),
    fields: Type.Record(Type.String(), Json),
    orders: Type.Array(
      Type.Object({
        id: Type.String(),
        placed_at: Type.String(),
        status: Type.String(),
        total: Type.Number(),
        currency: Type.String(),
        items: Type.Array(Type.String()),
      }),
    ),
    opportunities: Type.Array(
      Type.Object({
        id: Type.String(),
        conversation_id: Type.String(),
        stage: Type.String(),
        value: Type.Optional(Type.Number()),
        currency: Type.Optional(Type.String()),
        product: Type.Optional(Type.String()),
        intent: Type.String(),
        owner_agent: Type.Optional(Type.String()),
      }),
      { description: "the customer's opportunities in the CRM ([] when the CRM failed: see status)" },
    ),
  }),
});

const TimelineQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
});
const TimelineReply = Type.Object({
  customer_id: Type.String(),
  customer_ids: Type.Array(Type.String(), { description: 'the customer and the ids merged into it, whose events the timeline holds' }),
  events: Type.Array(
    Type.Object({
      producer: Type.String(),
      id: Type.String(),
      type: Type.String(),
      channel: Type.String(),
      occurred_at: Type.String({ format: 'date-time' }),
      customer_key: Type.String(),
      conversation_id: Nullable(Type.String()),
      agent_id: Nullable(Type.String()),
      properties: Type.Record(Type.String(), Json),
    }),
  ),
  next_offset: Type.Union([Type.Integer(), Type.Null()], { description: 'offset of the next page; null on the last' }),
});

const MergeRow = Type.Object({
  merge_id: Type.String(),
  kind: Type.String({ description: 'merge, refused or split' }),
  customer_id: Type.String(),
  other_id: Type.String(),
  identifiers: Type.Array(Type.String(), { description: 'what moved' }),
  evidence: Type.Array(Type.String(), { description: 'identifiers the event carried, or the split request named' }),
  reason: Type.String(),
  event_ref: Type.String({ description: 'producer/id of the event, or api/<key id> for a split' }),
  at: Type.String({ format: 'date-time' }),
});
const MergesReply = Type.Object({ customer_id: Type.String(), merges: Type.Array(MergeRow) });

const SplitBody = Type.Object(
  {
    identifiers: Type.Array(Type.String({ minLength: 3, maxLength: 320 }), {
      minItems: 1,
      maxItems: 100,
      description: 'identifiers to detach, as listed on the profile',
    }),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
const SplitReply = Type.Object({
  customer_id: Type.String({ description: 'the customer split from' }),
  new_customer_id: Type.String({ description: 'the customer the identifiers now belong to' }),
  restored: Type.Boolean({ description: 'true when this undid a merge exactly (the merged customer id came back)' }),
  moved: Type.Array(Type.String()),
});

type Row = Record<string, string | number | null>;
const iso = (ms: unknown) => new Date(Number(ms)).toISOString();
const parse = (s: unknown, def: unknown) => {
  try {
    return JSON.parse(String(s)) as unknown;
  } catch {
    return def;
  }
};
const SECURITY: Array<Record<string, string[]>> = [{ bearer: [] }, { session: [] }];
const ERRORS = { 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 503: ErrorReply };

/** The workbench's customer routes: search, profile, timeline, identity audit and split. */
export const customerRoutes: FastifyPluginAsyncTypebox<CustomerRouteDeps> = async (app, { warehouse, clock, log, identity, crm, scope, personal }) => {
  const visible = customerScope({ identity, scope });
  /** Agents and managers see only customers they own (404, no hint that it exists); admins all. */
  const scoped = async (req: { principal?: Principal; params: unknown }) => {
    const id = (req.params as { id: string }).id;
    if (!(await visible(req.principal, id))) throw new OmnilaneError('API_ERR_NOT_FOUND', `no customer ${id}`);
  };
  await app.register(customerSearchRoutes, { identity, visible });
  const need = () => {
    if (!identity) throw new OmnilaneError('API_ERR_NOT_READY', 'this process has no identity graph (it needs the state store: REDIS_URL)');
    return identity;
  };
  /** The customer and the ids merged into it; only the id itself without an identity graph. */
  const family = async (id: string) => {
    if (!identity) return { id, ids: [id] };
    const p = await identity.profile(id);
    if (!p) throw new OmnilaneError('API_ERR_NOT_FOUND', `no customer ${id}`);
    return { id: p.id, ids: [p.id, ...p.merged] };
  };

  /**
   * The graph holds blind indexes only: the readable form of each comes from the customer's own (opened) events.
   * An identifier no stored event names any more stays blinded.
   */
  const readableOf = async (ids: string[]): Promise<(blinded: string) => string> => {
    if (!personal?.encrypted || !identity) return (b) => b;
    const rows = await openEventRows(await warehouse.query<Row>('events_of_customers', { keys: ids }), personal);
    const customers = rows.map((r) => parse(r.customer, {}) as CustomerInput);
    const known = new Map<string, string>();
    for (const c of customers) for (const i of identity.plainIdentifiersOf(c)) known.set(personal.blind(i), i);
    return (b) => known.get(b) ?? b;
  };
  const readable = async (p: CustomerIdentity): Promise<string[]> => p.identifiers.map(await readableOf([p.id, ...p.merged]));
  /** Blinded identifiers inside a sentence (an identity record's reason), made readable. */
  const readableText = (text: string, show: (b: string) => string) => text.replace(/[a-z][a-z0-9_]*:~[a-z2-7]{26}/g, show);

  app.get(
    '/v1/customers/:id',
    {
      config: { permission: 'customers:read' },
      preHandler: scoped,
      schema: {
        summary: 'Customer profile: identifiers, tags, CRM fields and orders',
        tags: ['workbench'],
        security: SECURITY,
        params: Id,
        response: { 200: CustomerReply, ...ERRORS },
      },
    },
    async (req) => {
      const found = await need().profile(req.params.id);
      if (!found) throw new OmnilaneError('API_ERR_NOT_FOUND', `no customer ${req.params.id}`);
      const p = { ...found, identifiers: await readable(found) };
      const tags = await warehouse.query<Row>('customer_tags', { keys: [p.id, ...p.merged] });
      let record: CrmRecord | null = null;
      let opportunities: CrmOpportunity[] = [];
      let status: 'ok' | 'not_found' | 'unavailable' = 'ok';
      try {
        const key = { customer_id: p.id, external_id: p.external_id, identifiers: p.identifiers };
        [record, opportunities] = await Promise.all([crm.lookup(key), crm.opportunities(key)]);
        if (!record && opportunities.length === 0) status = 'not_found';
      } catch (err) {
        log.warn({ err, customer: p.id }, 'CRM lookup failed');
        status = 'unavailable';
      }
      return {
        id: p.id,
        requested_id: req.params.id,
        external_id: p.external_id,
        created_at: p.created_at === null ? null : iso(p.created_at),
        identifiers: p.identifiers,
        merged: p.merged,
        tag: tags.length > 0 ? String(tags[0].tag) : 'normal',
        tags: tags.map((t) => ({ tag: String(t.tag), events: Number(t.events), last_at: iso(t.last_ms) })),
        crm: { status, fields: record?.fields ?? {}, orders: record?.orders ?? [], opportunities },
      };
    },
  );

  app.get(
    '/v1/customers/:id/timeline',
    {
      config: { permission: 'customers:read' },
      preHandler: scoped,
      schema: {
        summary: 'Every event of the customer across channels (and customers merged into it), newest first',
        tags: ['workbench'],
        security: SECURITY,
        params: Id,
        querystring: TimelineQuery,
        response: { 200: TimelineReply, ...ERRORS },
      },
    },
    async (req) => {
      const f = await family(req.params.id);
      const limit = req.query.limit ?? 50;
      const offset = req.query.offset ?? 0;
      const stored = await warehouse.query<Row>('customer_timeline', { keys: f.ids, limit: limit + 1, offset });
      const rows = personal ? await openEventRows(stored, personal) : stored;
      return {
        customer_id: f.id,
        customer_ids: f.ids,
        events: rows.slice(0, limit).map((r) => ({
          producer: String(r.producer),
          id: String(r.id),
          type: String(r.type),
          channel: String(r.channel),
          occurred_at: iso(r.occurred_at_ms),
          customer_key: String(r.customer_key),
          conversation_id: r.conversation_id === null ? null : String(r.conversation_id),
          agent_id: r.agent_id === null ? null : String(r.agent_id),
          properties: parse(r.properties, {}) as Record<string, unknown>,
        })),
        next_offset: rows.length > limit ? offset + limit : null,
      };
    },
  );

  app.get(
    '/v1/customers/:id/merges',
    {
      config: { permission: 'customers:read' },
      preHandler: scoped,
      schema: {
        summary: 'Identity audit: merges, refused merges and splits of the customer (scoped like the profile)',
        tags: ['workbench'],
        security: SECURITY,
        params: Id,
        response: { 200: MergesReply, ...ERRORS },
      },
    },
    async (req) => {
      const f = await family(req.params.id);
      const ids = [...new Set([...f.ids, req.params.id])];
      const rows = await warehouse.query<Row>('identity_merges_for', { ids });
      const show = await readableOf(ids);
      return {
        customer_id: f.id,
        merges: rows.map((r) => ({
          merge_id: String(r.merge_id),
          kind: String(r.kind),
          customer_id: String(r.customer_id),
          other_id: String(r.other_id),
          identifiers: (parse(r.identifiers, []) as string[]).map(show),
          evidence: (parse(r.evidence, []) as string[]).map(show),
          reason: readableText(String(r.reason), show),
          event_ref: String(r.event_ref),
          at: iso(r.merged_at_ms),
        })),
      };
    },
  );

  app.post(
    '/v1/customers/:id/split',
    {
      config: { permission: 'customers:split' },
      schema: {
        summary: 'Detach identifiers from a customer (undoes a wrong merge; recorded in the audit)',
        tags: ['workbench'],
        security: SECURITY,
        params: Id,
        body: SplitBody,
        response: { 200: SplitReply, 400: ErrorReply, ...ERRORS },
      },
    },
    async (req) => {
      const who = actorId(req.principal);
      // The graph compares blind indexes: the identifiers asked for are looked up in that form, answered as asked.
      const asked = new Map(req.body.identifiers.map((i) => [need().stored(i), i]));
      const { result, row } = await need().split(req.params.id, [...asked.keys()], who, req.body.reason ?? '');
      if (!row) throw new OmnilaneError('API_ERR_NOT_FOUND', `none of the identifiers belongs to customer ${req.params.id}`);
      log.info({ customer: result.from, split: result.customerId, restored: result.restored, at: clock.now() }, 'customer split');
      const show = await readableOf([result.from, result.customerId]);
      return {
        customer_id: result.from,
        new_customer_id: result.customerId,
        restored: result.restored,
        moved: result.moved.map((m) => asked.get(m) ?? show(m)),
      };
    },
  );
};
