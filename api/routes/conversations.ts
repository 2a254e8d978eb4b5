import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Clock } from '../../shared/clock.js';
import type { Warehouse } from '../../shared/ports/warehouse.js';
import { ErrorReply } from '../../shared/error-reply.js';
import type { Principal } from '../auth/roles.js';

export interface ConversationRouteDeps {
  warehouse: Warehouse;
  clock: Clock;
  /** SESSION_EXPIRY_MIN in ms: an open session without an event for this long counts as closed. */
  sessionExpiryMs: number;
  /** Which of these conversations the principal owns (agents: theirs; managers: their teams'); absent: none. */
  owned?: (p: Principal, conversationIds: string[]) => Promise<Set<string>>;
}

const Query = Type.Object({
  status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed'), Type.Literal('all')], { default: 'open' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});

const Conversation = Type.Object({
  id: Type.String({ description: 'session id: the conversation id that opened it (or <customer>@<ms>)' }),
  customer_id: Type.String(),
  conversation_ids: Type.Array(Type.String(), { description: 'every channel conversation id the session joined' }),
  channels: Type.Array(Type.String(), { description: 'channel history, each switch in order' }),
  last_channel: Type.String(),
  started_at: Type.String({ format: 'date-time' }),
  last_event_at: Type.String({ format: 'date-time' }),
  last_agent: Type.Union([Type.String(), Type.Null()]),
  intent: Type.Union([Type.String(), Type.Null()]),
  tags: Type.Array(Type.String()),
  urgent: Type.Boolean({ description: 'an urgent keyword (CHANNEL_PRIORITY / URGENT_KEYWORDS) or a complaint was seen' }),
  priority: Type.Integer({ description: 'routing priority: channel weight + urgent boost + tag boost; higher first' }),
  status: Type.String({ description: 'open or closed' }),
});

const Reply = Type.Object({ status: Type.String(), conversations: Type.Array(Conversation) });

type Row = Record<string, string | number | null>;
const list = (s: unknown): string[] => {
  try {
    const v = JSON.parse(String(s)) as unknown;
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
};

/** GET /v1/conversations: the sessions across channels, highest priority first (the routing queue's view). */
export const conversationRoutes: FastifyPluginAsyncTypebox<ConversationRouteDeps> = async (app, { warehouse, clock, sessionExpiryMs, owned }) => {
  app.get(
    '/v1/conversations',
    {
      config: { permission: 'conversations:read' },
      schema: {
        summary: "Conversation sessions by status, highest priority first (agents: their own; managers: their teams'; analysts: customer ids masked)",
        tags: ['workbench'],
        security: [{ bearer: [] }, { session: [] }],
        querystring: Query,
        response: { 200: Reply, 400: ErrorReply, 401: ErrorReply, 403: ErrorReply },
      },
    },
    async (req) => {
      const status = req.query.status ?? 'open';
      const all = await warehouse.query<Row>('conversations_by_status', {
        status,
        active_since_ms: clock.now() - sessionExpiryMs,
        limit: req.query.limit ?? 100,
      });
      // Row scope: admins all; analysts all with the customer id masked; agents and managers the sessions that
      // joined a conversation they (or their teams) were ever assigned (the limit applies before this filter).
      const p = req.principal!;
      let rows = all;
      if (p.role === 'agent' || p.role === 'manager') {
        const mine = owned ? await owned(p, [...new Set(all.flatMap((r) => list(r.conversation_ids)))]) : new Set<string>();
        rows = all.filter((r) => list(r.conversation_ids).some((c) => mine.has(c)));
      }
      const mask = p.role === 'analyst';
      return {
        status,
        conversations: rows.map((r) => ({
          id: String(r.id),
          customer_id: mask ? '***' : String(r.customer_id),
          conversation_ids: list(r.conversation_ids),
          channels: list(r.channels),
          last_channel: String(r.last_channel),
          started_at: new Date(Number(r.started_at_ms)).toISOString(),
          last_event_at: new Date(Number(r.last_event_at_ms)).toISOString(),
          last_agent: r.last_agent === null ? null : String(r.last_agent),
          intent: r.intent === null ? null : String(r.intent),
          tags: list(r.tags),
          urgent: Number(r.urgent) === 1,
          priority: Number(r.priority),
          status: String(r.state),
        })),
      };
    },
  );
};
