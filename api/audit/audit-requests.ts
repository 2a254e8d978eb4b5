import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Principal } from '../auth/roles.js';
import type { AuditActor, AuditLog, AuditPort, AuditRecord } from './audit-log.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The audit log, for routes that record what they did (sign-in, users, keys, exports); absent without one. */
    audit?: AuditPort;
  }
  interface FastifyRequest {
    /**
     * What an audited route knows about its change: the state before it, the state after, the customer
     * concerned. Set by the route handler; the audit hook records it with the request's actor and outcome.
     */
    auditDetail?: Pick<AuditRecord, 'before' | 'after' | 'customer' | 'target'>;
  }
}

type Params = Record<string, string | undefined>;

interface AuditedRoute {
  action: string;
  target?: (p: Params) => string;
  customer?: (p: Params) => string | undefined;
  /** What to keep of the request when the route sets no `auditDetail.after` (never secrets or message text). */
  after?: (req: FastifyRequest) => unknown;
}

const customer = (p: Params) => p.id;
/** The named fields of a request body, for an audit entry that must never copy a whole body (passwords, secrets). */
const pick = (body: unknown, names: string[]): Record<string, unknown> => {
  const b = (body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(names.filter((n) => b[n] !== undefined).map((n) => [n, b[n]]));
};
const customerTarget = (p: Params) => `customer:${p.id ?? ''}`;

/**
 * The requests the audit log records, by method and route: reads of a customer's personal data, identity
 * splits, roster and routing-policy changes, reply-script changes. Other audited actions (sign-in, users,
 * keys, exports, erasures) call `AuditPort.record` where they happen.
 */
export const AUDITED_ROUTES: Readonly<Record<string, AuditedRoute>> = {
  'GET /v1/customers/:id': { action: 'customer.profile.read', target: customerTarget, customer },
  'GET /v1/customers/:id/timeline': { action: 'customer.timeline.read', target: customerTarget, customer },
  'GET /v1/customers/:id/merges': { action: 'customer.merges.read', target: customerTarget, customer },
  // The data-subject export: the route names the customer (the survivor of a merge) and the row counts per section.
  'GET /v1/customers/:id/export': { action: 'privacy.export', target: customerTarget, customer },
  // Erasure: ids, the job and whether it started; never a row of personal data (the entry stays in the chain).
  'DELETE /v1/customers/:id': { action: 'privacy.erase', target: customerTarget, customer },
  // The search terms are personal data themselves: only which kinds were searched by is kept.
  'GET /v1/customers': { action: 'customer.search', after: (req) => ({ by: Object.keys((req.query as object | undefined) ?? {}).sort() }) },
  'POST /v1/customers/:id/split': {
    action: 'identity.split',
    target: customerTarget,
    customer,
    after: (req) => ({ identifiers: (req.body as { identifiers?: unknown[] } | undefined)?.identifiers?.length ?? 0 }),
  },
  // Refused payloads may hold personal data of anyone: who read them, and how many.
  'GET /v1/dead-letters': { action: 'dead_letters.read', target: () => 'dead_letters' },
  'PUT /v1/routing/queues/:group/policy': { action: 'routing.policy.change', target: (p) => `queue:${p.group ?? ''}`, after: (req) => req.body },
  'PUT /v1/suggestions/scripts': { action: 'suggestions.scripts.change', target: () => 'suggestions:scripts' },
  'PUT /v1/suggestions/scripts/:script_id': { action: 'suggestions.script.change', target: (p) => `script:${p.script_id ?? ''}` },
  'DELETE /v1/suggestions/scripts/:script_id': { action: 'suggestions.script.delete', target: (p) => `script:${p.script_id ?? ''}` },
  // Sign-in: the username tried is kept (never the password), with the outcome in `status`.
  'POST /v1/auth/sign-in': { action: 'auth.sign_in', after: (req) => pick(req.body, ['username']) },
  'POST /v1/auth/sign-out': { action: 'auth.sign_out' },
  // People and keys: what changed (role, teams, disabled), never a password or a key secret.
  'POST /v1/admin/users': { action: 'access.user.create', after: (req) => pick(req.body, ['username', 'role', 'agent_id', 'teams']) },
  'PATCH /v1/admin/users/:id': {
    action: 'access.user.change',
    target: (p) => `user:${p.id ?? ''}`,
    after: (req) => pick(req.body, ['role', 'agent_id', 'teams', 'disabled']),
  },
  'DELETE /v1/admin/users/:id/sessions': { action: 'access.user.end_sessions', target: (p) => `user:${p.id ?? ''}` },
  'POST /v1/admin/keys': { action: 'access.key.create', after: (req) => pick(req.body, ['name', 'role', 'user']) },
  'POST /v1/admin/keys/:id/rotate': { action: 'access.key.rotate', target: (p) => `key:${p.id ?? ''}` },
  'DELETE /v1/admin/keys/:id': { action: 'access.key.revoke', target: (p) => `key:${p.id ?? ''}` },
  'PUT /v1/followups/rules': { action: 'followup.rules.change', target: () => 'followup:rules' },
  'DELETE /v1/followups/rules': { action: 'followup.rules.reset', target: () => 'followup:rules' },
  'DELETE /v1/customers/:id/followups': { action: 'followup.cancel', target: customerTarget, customer },
};

/** The audit actor of a request's principal: the signed-in user when there is one, else the API key. */
export function actorOf(p: (Principal & { userId?: string }) | undefined): AuditActor {
  if (!p) return { id: 'anonymous' };
  const actor: AuditActor = { id: p.userId ?? p.keyId ?? 'unknown', role: p.role, keyId: p.keyId };
  if (p.userId) actor.userId = p.userId;
  if (p.agentId) actor.agentId = p.agentId;
  return actor;
}

/**
 * Records one action of a request's actor, from the request's address: what sign-in, user and key routes
 * call (`recordFor(req, { action: 'auth.sign_in', target: 'user:u1' })`). A no-op without an audit log.
 */
export function recordFor(req: FastifyRequest, r: Omit<AuditRecord, 'actor' | 'ip'> & { actor?: AuditActor }): Promise<void> {
  const audit = req.server.audit;
  if (!audit) return Promise.resolve();
  return audit.record({ actor: r.actor ?? actorOf(req.principal), ip: req.ip, ...r });
}

/**
 * Records audited requests once they are answered (the reply never waits for the audit write), and every
 * refused authentication (401) or authorisation (403) on a protected route, with the address it came from.
 */
export const auditRequestsPlugin = fp(async (app: FastifyInstance, opts: { audit: AuditLog }) => {
  app.decorate('audit', opts.audit);
  app.addHook('onResponse', async (req, reply) => {
    const url = req.routeOptions.url;
    const status = reply.statusCode;
    const route = url ? AUDITED_ROUTES[`${req.method} ${url}`] : undefined;
    const permission = req.routeOptions.config?.permission;
    const protectedRoute = Boolean(permission) && permission !== 'public';
    let record: AuditRecord | undefined;
    if (protectedRoute && (status === 401 || status === 403)) {
      record = { actor: actorOf(req.principal), action: status === 401 ? 'auth.failed' : 'access.denied', target: `route:${req.method} ${url ?? ''}` };
    } else if (route) {
      const params = (req.params ?? {}) as Params;
      const d = req.auditDetail;
      record = {
        actor: actorOf(req.principal),
        action: route.action,
        target: d?.target ?? route.target?.(params) ?? '',
        customer: d?.customer ?? route.customer?.(params) ?? null,
        before: d?.before,
        after: d?.after ?? route.after?.(req),
      };
    }
    if (!record) return;
    // The socket's address: trustProxy is off, so a forwarded header cannot name someone else.
    void opts.audit.record({ ...record, ip: req.ip, status }).catch(() => undefined);
  });
  app.addHook('onClose', async () => opts.audit.close());
});
