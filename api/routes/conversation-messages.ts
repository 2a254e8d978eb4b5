import { randomUUID } from 'node:crypto';
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { EventIngest } from '../../ingest/event-ingest.js';
import type { SenderRegistry } from '../../ingest/outbound/sender.js';
import type { Clock } from '../../shared/clock.js';
import type { CustomerInput } from '../../shared/envelope.js';
import { OmnilaneError } from '../../shared/errors.js';
import { ErrorReply } from '../../shared/error-reply.js';
import { actingAs, type Principal } from '../auth/roles.js';
import { visibleAgents } from '../routing/scope.js';
import type { RoutingDesk } from '../../stream/routing/routing-desk.js';

/** Where a conversation lives: its channel, customer and the channel address replies go to. */
export interface ConversationRef {
  id: string;
  channel: string;
  customer: CustomerInput;
  to: Record<string, string>;
}

/** Finds conversations by id; channels contribute lookups (web chat now, the session store later). */
export interface ConversationDirectory {
  lookup(conversationId: string): Promise<ConversationRef | null>;
}

/** Asks each directory in turn; the first that knows the conversation answers. */
export function firstOf(...dirs: ConversationDirectory[]): ConversationDirectory {
  return {
    async lookup(id) {
      for (const d of dirs) {
        const ref = await d.lookup(id);
        if (ref) return ref;
      }
      return null;
    },
  };
}

/** Producer of agent-side events (ingest dedups ids per producer). */
export const AGENT_PRODUCER = 'agent';

/** Live agent signals for channels that have them (web chat); ephemeral typing, persistent read position. */
export interface AgentSignals {
  /** Channel names these signals reach. */
  readonly channels: readonly string[];
  agentTyping(conversationId: string, agentId: string | null): Promise<void>;
  agentRead(conversationId: string, seq: number): Promise<void>;
}

export interface ConversationMessageOptions {
  ingest: EventIngest;
  /** Routing: lets agents reply to conversations they hold, and stamps team/tag/source. */
  routing?: RoutingDesk;
  senders: SenderRegistry;
  conversations: ConversationDirectory;
  signals?: AgentSignals;
  clock: Clock;
  newId?: () => string;
}

const Body = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: 4000 }),
    agent_id: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 128,
        description: 'Who writes: always the caller (their roster member, else their user or key id); another value is refused (403).',
      }),
    ),
    client_msg_id: Type.Optional(
      Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$', description: 'Idempotency key: a retry with the same id is sent and recorded once.' }),
    ),
  },
  { additionalProperties: false },
);
const Reply = Type.Object({
  id: Type.String({ description: 'The outbound message id (client_msg_id or a generated one).' }),
  conversation_id: Type.String(),
  channel: Type.String(),
  provider_id: Type.String({ description: "The channel's id for the delivery (web chat: <conversation>#<seq>)." }),
  event_id: Type.String({ description: 'Id of the message.sent event.' }),
});

/**
 * POST /v1/conversations/{id}/messages: an agent's reply. Sends through the
 * conversation channel's sender first, then records `message.sent`; both are
 * idempotent by client_msg_id, so a client that saw a 503 retries safely.
 */
export const conversationMessageRoutes: FastifyPluginAsyncTypebox<ConversationMessageOptions> = async (app, o) => {
  const newId = o.newId ?? (() => randomUUID());
  /**
   * Nobody acts in another's name: the writer is always the caller (`claimed` may only repeat it). An agent
   * writes only in a conversation they hold; a manager only in one held by them or an agent of their teams; an
   * admin anywhere. Anything else answers 404 (no hint that the conversation exists).
   */
  const mayWrite = async (p: Principal | undefined, id: string, claimed: string | undefined) => {
    const agentId = actingAs(p);
    if (claimed !== undefined && claimed !== agentId) throw new OmnilaneError('API_ERR_FORBIDDEN', `you write as ${agentId}, not as ${claimed}`);
    let stamp: Record<string, unknown> = {};
    if (o.routing) {
      const cs = await o.routing.store.conv(id);
      const held = cs?.agent && cs.status === 'active' ? cs.agent : null;
      if (p?.role === 'agent' && held !== p.agentId) throw new OmnilaneError('API_ERR_NOT_FOUND', `conversation ${id} is not one you hold`);
      if (p?.role === 'manager' && !(held && visibleAgents(o.routing, p).has(held)))
        throw new OmnilaneError('API_ERR_NOT_FOUND', `conversation ${id} is not held in your teams`);
      const m = cs ? await o.routing.meta.get(id) : null;
      if (cs && m) stamp = { team: o.routing.agent(agentId)?.team ?? '', tag: m.tag, source: m.source, group: cs.group };
    } else if (p?.role !== 'admin') {
      throw new OmnilaneError('API_ERR_FORBIDDEN', 'routing is not running in this process');
    }
    return { agentId, stamp };
  };
  app.post(
    '/v1/conversations/:id/messages',
    {
      config: { permission: 'conversations:reply' },
      schema: {
        summary:
          "Send a reply through the conversation's channel, always under the caller's name (agent: a conversation they hold; manager: one held in their teams)",
        tags: ['conversations'],
        security: [{ bearer: [] }, { session: [] }] as Array<Record<string, string[]>>,
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) }),
        body: Body,
        response: { 201: Reply, 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 503: ErrorReply },
      },
    },
    async (req, reply) => {
      const { agentId, stamp } = await mayWrite(req.principal, req.params.id, req.body.agent_id);
      const conv = await o.conversations.lookup(req.params.id);
      if (!conv) throw new OmnilaneError('API_ERR_NOT_FOUND', `conversation ${req.params.id} not found`);
      const sender = o.senders.get(conv.channel);
      if (!sender) throw new OmnilaneError('API_ERR_NOT_READY', `no sender is registered for channel ${conv.channel}`);
      const id = req.body.client_msg_id ?? newId();
      const sent = await sender.send({ id, conversation_id: conv.id, channel: conv.channel, to: conv.to, text: req.body.text, agent_id: agentId });
      const eventId = `msg:${conv.id}:${id}`;
      const result = await o.ingest.ingest(AGENT_PRODUCER, {
        events: [
          {
            id: eventId,
            type: 'message.sent',
            channel: conv.channel,
            occurred_at: o.clock.now(),
            customer: conv.customer,
            conversation_id: conv.id,
            agent_id: agentId,
            properties: { ...stamp, text: req.body.text, provider_id: sent.provider_id },
          },
        ],
      });
      if (result.rejected.length > 0) throw new OmnilaneError(result.rejected[0].code, result.rejected[0].message);
      return reply.status(201).send({ id, conversation_id: conv.id, channel: conv.channel, provider_id: sent.provider_id, event_id: eventId });
    },
  );

  const signalTarget = async (id: string) => {
    const conv = await o.conversations.lookup(id);
    if (!conv) throw new OmnilaneError('API_ERR_NOT_FOUND', `conversation ${id} not found`);
    if (!o.signals?.channels.includes(conv.channel)) throw new OmnilaneError('API_ERR_NOT_READY', `channel ${conv.channel} has no typing or read signals`);
    return o.signals;
  };
  const signalSchema = (summary: string, body: TSchema) => ({
    summary,
    tags: ['conversations'],
    security: [{ bearer: [] }, { session: [] }] as Array<Record<string, string[]>>,
    params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) }),
    body,
    response: { 204: Type.Null(), 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 503: ErrorReply },
  });
  app.post(
    '/v1/conversations/:id/typing',
    {
      config: { permission: 'conversations:reply' },
      schema: signalSchema(
        'Show the visitor that an agent is typing (ephemeral)',
        Type.Object({ agent_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })) }, { additionalProperties: false }),
      ),
    },
    async (req, reply) => {
      const { agentId } = await mayWrite(req.principal, req.params.id, (req.body as { agent_id?: string }).agent_id);
      await (await signalTarget(req.params.id)).agentTyping(req.params.id, agentId);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/v1/conversations/:id/read',
    {
      config: { permission: 'conversations:reply' },
      schema: signalSchema(
        'Mark the conversation read by the agent side up to seq',
        Type.Object({ seq: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
      ),
    },
    async (req, reply) => {
      await mayWrite(req.principal, req.params.id, undefined);
      await (await signalTarget(req.params.id)).agentRead(req.params.id, (req.body as { seq: number }).seq);
      return reply.status(204).send(null);
    },
  );
};
