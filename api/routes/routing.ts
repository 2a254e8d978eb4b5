import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Clock } from '../../shared/clock.js';
import { OmnilaneError } from '../../shared/errors.js';
import type { RoutingDesk } from '../../stream/routing/routing-desk.js';
import { queueView } from '../../stream/routing/routing-views.js';
import { POLICY_NAMES } from '../../stream/routing/roster.js';
import { visibleAgents, visibleGroups } from '../routing/scope.js';
import { ErrorReply } from '../../shared/error-reply.js';

const base = { tags: ['routing'], security: [{ bearer: [] }] };

/** Managers' view of routing: queue sizes and agent load (their teams), and the run-time policy switch. */
export const routingRoutes: FastifyPluginAsyncTypebox<{ desk: RoutingDesk; clock: Clock }> = async (app, { desk, clock }) => {
  app.get(
    '/v1/routing/queues',
    {
      config: { permission: 'routing:manage' },
      schema: {
        ...base,
        summary: "Queues and agents of the manager's teams (admin: all)",
        response: {
          200: Type.Object({
            queues: Type.Array(Type.Object({ group: Type.String(), policy: Type.String(), length: Type.Integer(), oldest_wait_ms: Type.Number() })),
            agents: Type.Array(
              Type.Object({ id: Type.String(), team: Type.String(), presence: Type.String(), open: Type.Integer(), capacity: Type.Integer() }),
            ),
          }),
          401: ErrorReply,
          403: ErrorReply,
        },
      },
    },
    async (req) => {
      const p = req.principal!;
      const now = clock.now();
      const groups = [...visibleGroups(desk, p)].filter((g) => desk.groups().includes(g)).sort();
      const queues = await Promise.all(
        groups.map(async (g) => {
          const v = await queueView(desk, g, now, 1);
          return { group: g, policy: v.policy, length: v.length, oldest_wait_ms: v.oldest_wait_ms };
        }),
      );
      const ids = [...visibleAgents(desk, p)].sort();
      const presence = await desk.presences(ids);
      const open = Object.values(await desk.store.open());
      const agents = ids.map((id, i) => {
        const a = desk.agent(id)!;
        return {
          id,
          team: a.team,
          presence: presence[i],
          open: open.filter((o) => o[0] === id).length,
          capacity: Object.values(a.capacity).reduce((s, n) => s + n, 0),
        };
      });
      return { queues, agents };
    },
  );

  app.put(
    '/v1/routing/queues/:group/policy',
    {
      config: { permission: 'routing:manage' },
      schema: {
        ...base,
        summary: "Change a queue's routing policy at run time (read at every decision; no restart)",
        params: Type.Object({ group: Type.String({ minLength: 1, maxLength: 64 }) }),
        body: Type.Object({ policy: Type.String({ minLength: 1, maxLength: 64, description: POLICY_NAMES.join(', ') }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ group: Type.String(), policy: Type.String() }), 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply },
      },
    },
    async (req) => {
      if (!visibleGroups(desk, req.principal!).has(req.params.group))
        throw new OmnilaneError('API_ERR_NOT_FOUND', `no queue ${req.params.group} in your teams`);
      await desk.setPolicy(req.params.group, req.body.policy);
      req.log.info({ group: req.params.group, policy: req.body.policy, key: req.principal!.keyId }, 'routing policy changed');
      return { group: req.params.group, policy: req.body.policy };
    },
  );
};
