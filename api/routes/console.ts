import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Clock } from '../../shared/clock.js';
import { OmnilaneError } from '../../shared/errors.js';
import type { ConsoleEvent, RoutingDesk } from '../../stream/routing/routing-desk.js';
import { queueView } from '../../stream/routing/routing-views.js';
import type { Principal } from '../auth/roles.js';
import { actingAgent, canSeeConversation, seeConversation, visibleAgents, visibleGroups } from '../routing/scope.js';
import { ErrorReply } from '../../shared/error-reply.js';
import { conversationRow, ConversationRow, QueueItem } from '../routing/console-schemas.js';
import { openEventStream } from '../sse.js';

const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });
const errors = { 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 409: ErrorReply, 503: ErrorReply };
const base = { tags: ['console'], security: [{ bearer: [] }] };
const Presence = Type.Union([Type.Literal('online'), Type.Literal('away'), Type.Literal('offline')]);

/** The agent console API (docs/routing.md): queue, offers, accept, transfer, close, live feed; scoped per principal. */
export const consoleRoutes: FastifyPluginAsyncTypebox<{ desk: RoutingDesk; clock: Clock }> = async (app, { desk, clock }) => {
  const who = (p: Principal | undefined): Principal => p ?? { kind: 'key', keyId: 'none', role: 'ingest' };
  const mine = (p: Principal) => {
    const a = p.agentId ? desk.agent(p.agentId) : undefined;
    if (!a) throw new OmnilaneError('API_ERR_FORBIDDEN', 'this key belongs to no roster member');
    return a;
  };

  app.get(
    '/v1/console/me',
    {
      config: { permission: 'console:work' },
      schema: {
        ...base,
        summary: 'The signed-in roster member (null for admin keys) and role',
        response: {
          200: Type.Object({
            role: Type.String(),
            agent: Type.Union([
              Type.Object({
                id: Type.String(),
                name: Type.String(),
                role: Type.String(),
                team: Type.String(),
                groups: Type.Array(Type.String()),
                manages: Type.Array(Type.String()),
                presence: Presence,
                capacity: Type.Record(Type.String(), Type.Integer()),
              }),
              Type.Null(),
            ]),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const p = who(req.principal);
      const a = p.agentId ? desk.agent(p.agentId) : undefined;
      if (!a) return { role: p.role, agent: null };
      const [presence] = await desk.presences([a.id]);
      return {
        role: p.role,
        agent: { id: a.id, name: a.name, role: a.role, team: a.team, groups: a.groups, manages: a.manages, presence, capacity: a.capacity },
      };
    },
  );

  app.put(
    '/v1/console/me/presence',
    {
      config: { permission: 'console:work' },
      schema: {
        ...base,
        summary: 'Set my presence (online gets offers; away/offline hands pending offers back)',
        body: Type.Object({ presence: Presence }, { additionalProperties: false }),
        response: { 200: Type.Object({ presence: Presence }), ...errors },
      },
    },
    async (req) => {
      await desk.setPresence(mine(who(req.principal)).id, req.body.presence);
      return { presence: req.body.presence };
    },
  );

  app.get(
    '/v1/console/queue',
    {
      config: { permission: 'console:work' },
      schema: {
        ...base,
        summary: 'Queues I may see, in queue order, with predicted SLA breaches',
        response: {
          200: Type.Object({
            queues: Type.Array(Type.Object({ group: Type.String(), policy: Type.String(), length: Type.Integer(), items: Type.Array(QueueItem) })),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const groups = [...visibleGroups(desk, who(req.principal))].filter((g) => desk.groups().includes(g)).sort();
      const now = clock.now();
      const queues = await Promise.all(groups.map((g) => queueView(desk, g, now)));
      return { queues: queues.map(({ group, policy, length, items }) => ({ group, policy, length, items })) };
    },
  );

  app.get(
    '/v1/console/conversations',
    {
      config: { permission: 'console:work' },
      schema: {
        ...base,
        summary: 'Conversations offered to / held by me (managers: my teams), or recently closed',
        querystring: Type.Object({ status: Type.Optional(Type.Union([Type.Literal('offered'), Type.Literal('active'), Type.Literal('closed')])) }),
        response: { 200: Type.Object({ conversations: Type.Array(ConversationRow) }), ...errors },
      },
    },
    async (req) => {
      const p = who(req.principal);
      const agents = visibleAgents(desk, p);
      const open = Object.entries(await desk.store.open()).filter(
        ([, [agent, status]]) => agents.has(agent) && (!req.query.status || req.query.status === status),
      );
      const ids = req.query.status === 'closed' ? await desk.recentClosed() : open.map(([id]) => id);
      const rows = [];
      for (const id of ids) {
        const cs = await desk.store.conv(id);
        if (!cs || !canSeeConversation(desk, p, cs) || (req.query.status && cs.status !== req.query.status)) continue;
        rows.push(conversationRow(id, cs, await desk.meta.get(id)));
      }
      return { conversations: rows };
    },
  );

  app.get(
    '/v1/console/conversations/:id',
    {
      config: { permission: 'console:work' },
      schema: {
        ...base,
        summary: 'One conversation with its recent messages (profile, timeline and orders: /v1/customers/{id})',
        params: Id,
        response: {
          200: Type.Object({
            conversation: ConversationRow,
            customer_id: Type.String(),
            messages: Type.Array(
              Type.Object({
                id: Type.String(),
                at: Type.Number(),
                direction: Type.String(),
                channel: Type.String(),
                text: Type.String(),
                agent_id: Type.Union([Type.String(), Type.Null()]),
                bot: Type.Optional(Type.Boolean()),
              }),
            ),
            suggestions: Type.Array(Type.String()),
            handoff: Type.Optional(
              Type.Object(
                { reason: Type.String(), intent: Type.String(), summary: Type.String(), at: Type.Number() },
                { description: 'Set when the FAQ bot handed the conversation over: its intent and summary; the transcript is `messages`' },
              ),
            ),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const cs = await seeConversation(desk, who(req.principal), req.params.id);
      const m = await desk.meta.get(req.params.id);
      return {
        conversation: conversationRow(req.params.id, cs, m),
        customer_id: m?.customerKey ?? '',
        messages: (m?.messages ?? []).map(({ id, at, direction, channel, text, agent_id, bot }) => ({
          id,
          at,
          direction,
          channel,
          text,
          agent_id,
          ...(bot ? { bot: true } : {}),
        })),
        suggestions: [],
        ...(m?.handoff ? { handoff: { reason: m.handoff.reason, intent: m.handoff.intent, summary: m.handoff.summary, at: m.handoff.at } } : {}),
      };
    },
  );

  app.post(
    '/v1/console/conversations/:id/accept',
    {
      config: { permission: 'console:work' },
      schema: {
        ...base,
        summary: 'Accept an offer to me, or pull a queued conversation of my group',
        params: Id,
        response: { 200: Type.Object({ status: Type.Literal('active'), agent_id: Type.String() }), ...errors },
      },
    },
    async (req) => {
      const p = who(req.principal);
      await seeConversation(desk, p, req.params.id);
      return desk.accept(mine(p).id, req.params.id);
    },
  );

  app.post(
    '/v1/console/conversations/:id/transfer',
    {
      config: { permission: 'console:work' },
      schema: {
        ...base,
        summary: 'Transfer to an agent (active at once) or to a group (its queue head), in one atomic step',
        params: Id,
        body: Type.Object(
          {
            to_agent: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            to_group: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            note: Type.Optional(Type.String({ maxLength: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ status: Type.String(), agent_id: Type.Union([Type.String(), Type.Null()]), group: Type.String() }), ...errors },
      },
    },
    async (req) => {
      const p = who(req.principal);
      await seeConversation(desk, p, req.params.id);
      if (!req.body.to_agent && !req.body.to_group) throw new OmnilaneError('API_ERR_VALIDATION', 'give to_agent or to_group');
      return desk.transfer(actingAgent(p), req.params.id, { agent: req.body.to_agent, group: req.body.to_group });
    },
  );

  app.post(
    '/v1/console/conversations/:id/close',
    {
      config: { permission: 'console:work' },
      schema: {
        ...base,
        summary: 'Close with an outcome (deal → deal.won with value, opportunity → opportunity.created, lost → deal.lost)',
        params: Id,
        body: Type.Object(
          {
            outcome: Type.Union([Type.Literal('opportunity'), Type.Literal('deal'), Type.Literal('lost'), Type.Literal('resolved')]),
            value: Type.Optional(Type.Number({ minimum: 0, maximum: 1e12 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ status: Type.Literal('closed') }), ...errors },
      },
    },
    async (req) => {
      const p = who(req.principal);
      await seeConversation(desk, p, req.params.id);
      return desk.close(actingAgent(p), req.params.id, req.body.outcome, req.body.value ?? 0);
    },
  );

  app.get(
    '/v1/console/live',
    {
      config: { permission: 'console:work' },
      schema: {
        ...base,
        summary: 'Console events as Server-Sent Events: queue, offer, assigned, message, closed (key by header or ?key=)',
        querystring: Type.Object({ key: Type.Optional(Type.String({ maxLength: 256 })) }),
        response: { 200: Type.String({ description: 'text/event-stream' }), 401: ErrorReply, 403: ErrorReply },
      },
    },
    async (req, reply) => {
      const p = who(req.principal);
      const groups = visibleGroups(desk, p);
      const agents = visibleAgents(desk, p);
      const write = openEventStream(reply);
      const onEvent = (e: ConsoleEvent) => void relay(e);
      const relay = async (e: ConsoleEvent) => {
        let show: boolean;
        if (e.type === 'queue') show = groups.has(e.group);
        else if (e.type === 'message') show = await desk.store.conv(e.conversation_id).then((cs) => cs !== null && canSeeConversation(desk, p, cs));
        else show = (e.agent_id !== null && agents.has(e.agent_id)) || (p.role !== 'agent' && groups.has(e.group));
        if (show) {
          const { type, ...data } = e;
          write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
        }
      };
      desk.on('console', onEvent);
      const ping = setInterval(() => write(': ping\n\n'), 15_000);
      req.raw.on('close', () => {
        clearInterval(ping);
        desk.off('console', onEvent);
      });
    },
  );
};
