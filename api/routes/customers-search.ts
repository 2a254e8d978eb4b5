import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CHANNEL_PATTERN, type CustomerInput } from '../../shared/envelope.js';
import { OmnilaneError, type ErrorCode } from '../../shared/errors.js';
import type { Identifier } from '../../stream/identity/identifiers.js';
import type { IdentityService } from '../../stream/identity/identity-service.js';
import type { Principal } from '../auth/roles.js';
import { ErrorReply } from '../../shared/error-reply.js';

export interface CustomerSearchDeps {
  /** The identity graph; without it the search answers 503 API_ERR_NOT_READY. */
  identity?: IdentityService;
  /** May this key see this customer (customers-scope.ts); the same check as the profile route. */
  visible: (principal: Principal | undefined, customerId: string) => Promise<boolean>;
}

const SearchQuery = Type.Object({
  phone: Type.Optional(
    Type.String({
      maxLength: 64,
      description: 'any writing: +86 138 0000 0000, 0086-138…, 13800000000 (a local number takes IDENTITY_DEFAULT_COUNTRY_CODE, as at ingest)',
    }),
  ),
  email: Type.Optional(Type.String({ maxLength: 320, description: 'matched case-insensitively (Foo@Example.COM = foo@example.com)' })),
  external_id: Type.Optional(Type.String({ maxLength: 256, description: 'your CRM or login id (customer.external_id at ingest)' })),
  channel: Type.Optional(Type.String({ pattern: CHANNEL_PATTERN, description: 'the channel of channel_id: wechat, whatsapp, messenger, sms, voice, email …' })),
  channel_id: Type.Optional(
    Type.String({ maxLength: 256, description: 'the provider id on that channel (customer.channel_ids.<channel> at ingest): WeChat openid, WhatsApp wa_id …' }),
  ),
});

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const SearchHit = Type.Object({
  id: Type.String({ description: 'the customer id (after merges): open it with GET /v1/customers/{id}' }),
  external_id: Nullable(Type.String()),
  created_at: Nullable(Type.String({ format: 'date-time' })),
  identifiers: Type.Array(Type.String(), { description: 'ext:…, email:…, phone:+E.164, anon:…, <channel>:<provider id>' }),
  merged: Type.Array(Type.String(), { description: 'customer ids merged into this one' }),
  matched: Type.Array(Type.String(), { description: 'the searched identifiers this customer holds' }),
});
const SearchReply = Type.Object({
  identifiers: Type.Array(Type.String(), { description: 'what was searched, normalised as ingest normalises it (e.g. phone:+8613800000000)' }),
  customers: Type.Array(SearchHit, {
    description:
      'customers holding any searched identifier that this key may see; empty when none (an unknown customer and one the key may not see look alike)',
  }),
});

type Query = { phone?: string; email?: string; external_id?: string; channel?: string; channel_id?: string };

/** Each given parameter as the customer object ingest would have seen, with the code that names it when unusable. */
function criteria(q: Query): Array<{ input: CustomerInput; code: ErrorCode; what: string }> {
  const out: Array<{ input: CustomerInput; code: ErrorCode; what: string }> = [];
  if (q.phone !== undefined) out.push({ input: { phone: q.phone }, code: 'API_ERR_SEARCH_BAD_PHONE', what: 'phone is not a phone number' });
  if (q.email !== undefined) out.push({ input: { email: q.email }, code: 'API_ERR_SEARCH_BAD_EMAIL', what: 'email is not an address' });
  if (q.external_id !== undefined) out.push({ input: { external_id: q.external_id }, code: 'API_ERR_SEARCH_BAD_EXTERNAL_ID', what: 'external_id is empty' });
  if (q.channel_id !== undefined || q.channel !== undefined) {
    if (q.channel_id === undefined || q.channel === undefined)
      throw new OmnilaneError('API_ERR_SEARCH_BAD_CHANNEL_ID', 'channel_id and channel go together (e.g. channel=wechat&channel_id=<openid>)');
    // ext and anon are not channels (identifiersOf skips them): they are searched as external_id, or not at all.
    out.push({
      input: { channel_ids: { [q.channel]: q.channel_id } },
      code: 'API_ERR_SEARCH_BAD_CHANNEL_ID',
      what: `channel ${q.channel} holds no provider ids, or channel_id is empty`,
    });
  }
  return out;
}

/**
 * `GET /v1/customers?phone=&email=&external_id=&channel=&channel_id=`: finds customers by what people know
 * of them. The identity graph in the StateStore is where identifiers live (ingest resolves every event there
 * and the profile route reads it), so the search reads the same keys, normalised by the same function ingest
 * uses: whatever ingest would have merged, the search finds. Several parameters are alternatives (any match).
 */
export const customerSearchRoutes: FastifyPluginAsyncTypebox<CustomerSearchDeps> = async (app, { identity, visible }) => {
  app.get(
    '/v1/customers',
    {
      config: { permission: 'customers:read' },
      schema: {
        summary: 'Find customers by phone, email, external id or channel id (scoped like the profile; empty list when none)',
        tags: ['workbench'],
        security: [{ bearer: [] }],
        querystring: SearchQuery,
        response: { 200: SearchReply, 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 503: ErrorReply },
      },
    },
    async (req) => {
      const wanted = criteria(req.query);
      if (wanted.length === 0)
        throw new OmnilaneError('API_ERR_SEARCH_NO_CRITERIA', 'name at least one of phone, email, external_id, channel_id (with channel)');
      if (!identity) throw new OmnilaneError('API_ERR_NOT_READY', 'this process has no identity graph (it needs the state store: REDIS_URL)');
      const searched: Identifier[] = [];
      for (const c of wanted) {
        const ids = identity.plainIdentifiersOf(c.input);
        if (ids.length === 0) throw new OmnilaneError(c.code, c.what);
        for (const id of ids) if (!searched.includes(id)) searched.push(id);
      }
      // The graph holds blind indexes: look up by those, answer with what was asked (and show it in the hits).
      const stored = searched.map((i) => identity.stored(i));
      const plainOf = new Map(stored.map((s, i) => [s, searched[i]]));
      const owners = await identity.lookup(stored);
      // Customers in the order of the first identifier that found them (phone before email … as asked).
      const matched = new Map<string, Identifier[]>();
      owners.forEach((c, i) => c !== null && matched.set(c, [...(matched.get(c) ?? []), searched[i]]));
      const customers = [];
      for (const [id, hits] of matched) {
        if (!(await visible(req.principal, id))) continue;
        const p = await identity.profile(id);
        if (!p) continue;
        const created_at = p.created_at === null ? null : new Date(p.created_at).toISOString();
        customers.push({
          id: p.id,
          external_id: p.external_id,
          created_at,
          identifiers: p.identifiers.map((s) => plainOf.get(s) ?? s),
          merged: p.merged,
          matched: hits,
        });
      }
      return { identifiers: searched, customers };
    },
  );
};
