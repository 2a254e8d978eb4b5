import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { OmnilaneError } from '../../shared/errors.js';
import type { KeyRing, Principal, Role } from '../auth/key-ring.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** Roles allowed on the route; absent means the route is public (health, docs, static). */
    roles?: readonly Role[];
    /** Also accept the key as `?key=` (SSE routes: EventSource cannot set headers). */
    queryKey?: boolean;
  }
}

/**
 * `admin` passes every check; `manager` also passes `agent` and `viewer`
 * checks; `agent` passes only routes that name it (not `viewer`).
 */
export function roleAllows(role: Role, roles: readonly Role[]): boolean {
  if (role === 'admin' || roles.includes(role)) return true;
  return role === 'manager' && (roles.includes('agent') || roles.includes('viewer'));
}

/**
 * Authenticates every route that declares `config.roles` before its body is
 * read, and checks the role. `admin` passes every role check. Routes without
 * roles are public by declaration, never by omission: the app registers only
 * health, docs and static files that way.
 */
export const authPlugin = fp(async (app: FastifyInstance, opts: { keys: KeyRing }) => {
  app.addHook('onRequest', async (req: FastifyRequest) => {
    const roles = req.routeOptions.config?.roles;
    if (!roles) return;
    // EventSource cannot set headers: the console's live stream may pass the key as ?key=.
    const q = req.query as Record<string, unknown> | undefined;
    const header = req.headers.authorization ?? (req.routeOptions.config?.queryKey && typeof q?.key === 'string' ? `Bearer ${q.key}` : undefined);
    const principal = opts.keys.authenticate(header);
    const ingestRoute = roles.length === 1 && roles[0] === 'ingest';
    if (!principal) {
      throw new OmnilaneError(ingestRoute ? 'ING_ERR_UNAUTHORIZED' : 'API_ERR_UNAUTHORIZED', 'missing or unknown key (Authorization: Bearer <key>)');
    }
    if (!roleAllows(principal.role, roles)) {
      throw new OmnilaneError('API_ERR_FORBIDDEN', `role ${principal.role} may not use this route`);
    }
    req.principal = principal;
  });
});
