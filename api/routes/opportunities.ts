import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { EventIngest } from '../../ingest/event-ingest.js';
import type { Clock } from '../../shared/clock.js';
import { OmnilaneError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { OPPORTUNITY_STAGES, type CrmOpportunity, type CrmPort } from '../../stream/crm/crm-port.js';
import type { RoutingDesk } from '../../stream/routing/routing-desk.js';
import { dimensions, routingEvent } from '../../stream/routing/routing-events.js';
import type { Principal } from '../auth/roles.js';
import { seeConversation, visibleAgents } from '../routing/scope.js';
import { ErrorReply } from '../../shared/error-reply.js';

/** Intents a conversation must have to be qualified as an opportunity (the seed's sales intents). */
export const SALES_INTENTS: ReadonlySet<string> = new Set(['price_inquiry', 'feature_comparison', 'purchase']);

/**
 * The opportunity id of a conversation, and the id of its `opportunity.created` event: the same id the console's
 * close with outcome `opportunity` publishes (producer `routing`), so qualifying and such a close count once together.
 */
export const opportunityId = (conversationId: string) => `opp:${conversationId}`;

const Stage = Type.Union(OPPORTUNITY_STAGES.map((s) => Type.Literal(s)));
const Opportunity = Type.Object({
  id: Type.String(),
  customer_id: Type.String(),
  conversation_id: Type.String(),
  stage: Stage,
  value: Type.Optional(Type.Number()),
  currency: Type.Optional(Type.String()),
  product: Type.Optional(Type.String()),
  intent: Type.String(),
  owner_agent: Type.Optional(Type.String()),
});
const errors = { 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 409: ErrorReply, 503: ErrorReply };

export interface OpportunityRouteDeps {
  desk: RoutingDesk;
  ingest: EventIngest;
  crm: CrmPort;
  clock: Clock;
  log: Logger;
}

/**
 * `POST /v1/conversations/{id}/opportunity`: the agent holding a sales conversation (or a manager of that agent's
 * team, or an admin) qualifies it. Emits `opportunity.created` through ingest once per conversation (event id
 * `opp:<id>`, so a retry is a duplicate there), then creates or updates the CRM opportunity of the same id.
 */
export const opportunityRoutes: FastifyPluginAsyncTypebox<OpportunityRouteDeps> = async (app, { desk, ingest, crm, clock, log }) => {
  const rlog = log.child({ stage: 'opportunities' });
  app.post(
    '/v1/conversations/:id/opportunity',
    {
      config: { permission: 'console:work' },
      schema: {
        tags: ['console'],
        security: [{ bearer: [] }],
        summary: 'Qualify a sales conversation as an opportunity: opportunity.created once, and the CRM opportunity created or updated',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) }),
        body: Type.Object(
          {
            value: Type.Optional(Type.Number({ minimum: 0, maximum: 1e12 })),
            currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
            product: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            stage: Type.Optional(Stage),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            opportunity: Opportunity,
            created: Type.Boolean({ description: 'the CRM made it now (false: updated)' }),
            event: Type.Union([Type.Literal('accepted'), Type.Literal('duplicate')]),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const p: Principal = req.principal ?? { kind: 'key', keyId: 'none', role: 'ingest' };
      const id = req.params.id;
      const cs = await seeConversation(desk, p, id);
      const owner = cs.agent || null;
      const mayAct = p.role === 'admin' || (owner !== null && (owner === p.agentId || (p.role === 'manager' && visibleAgents(desk, p).has(owner))));
      if (!mayAct) throw new OmnilaneError('API_ERR_FORBIDDEN', 'only the agent holding the conversation or a manager of their team may qualify it');
      if (cs.status === 'queued' || cs.status === 'offered')
        throw new OmnilaneError('ROUTE_ERR_CONFLICT', `conversation ${id} is ${cs.status}; accept it first`);
      const m = await desk.meta.get(id);
      const intent = m?.intent ?? 'other';
      if (!SALES_INTENTS.has(intent))
        throw new OmnilaneError(
          'API_ERR_NOT_SALES_CONVERSATION',
          `conversation ${id} has intent ${intent}; only price_inquiry, feature_comparison or purchase become opportunities`,
        );

      const { value, currency, product, stage } = req.body;
      const opp: CrmOpportunity = {
        id: opportunityId(id),
        customer_id: m?.customerKey ?? `conv:${id}`,
        conversation_id: id,
        stage: stage ?? 'qualified',
        intent,
        ...(value !== undefined ? { value } : {}),
        ...(value !== undefined || currency ? { currency: currency ?? 'CNY' } : {}),
        ...(product ? { product } : {}),
        ...(owner ? { owner_agent: owner } : {}),
      };
      const dims = dimensions(m, cs.group, owner ? (desk.agent(owner)?.team ?? '') : '');
      const ev = routingEvent(
        opp.id,
        'opportunity.created',
        id,
        owner,
        m,
        { ...dims, intent, opportunity_id: opp.id, ...(value !== undefined ? { value } : {}), ...(product ? { product } : {}) },
        clock.now(),
      );
      // The log first: it is the truth the funnel and attribution read; the CRM write below is idempotent and retried.
      const { id: eid, type, channel, occurred_at, customer, conversation_id, agent_id, properties } = ev;
      const r = await ingest.ingest('routing', { events: [{ id: eid, type, channel, occurred_at, customer, conversation_id, agent_id, properties }] });
      if (r.rejected.length > 0) throw new OmnilaneError('API_ERR_VALIDATION', `opportunity event refused: ${r.rejected[0].message}`);
      let created: boolean;
      try {
        ({ created } = await crm.upsertOpportunity(opp));
      } catch (err) {
        rlog.error({ err, conversation_id: id, opportunity_id: opp.id }, 'CRM opportunity write failed');
        throw new OmnilaneError('API_ERR_CRM_UNAVAILABLE', `the CRM did not take opportunity ${opp.id}; retry the same request (the event counts once)`, {
          cause: err,
        });
      }
      return { opportunity: opp, created, event: r.accepted > 0 ? ('accepted' as const) : ('duplicate' as const) };
    },
  );
};
