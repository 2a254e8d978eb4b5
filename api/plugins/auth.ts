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
  }
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
    const principal = opts.keys.authenticate(req.headers.authorization);
    const ingestRoute = roles.length === 1 && roles[0] === 'ingest';
    if (!principal) {
      throw new OmnilaneError(ingestRoute ? 'ING_ERR_UNAUTHORIZED' : 'API_ERR_UNAUTHORIZED', 'missing or unknown key (Authorization: Bearer <key>)');
    }
    if (principal.role !== 'admin' && !roles.includes(principal.role)) {
      throw new OmnilaneError('API_ERR_FORBIDDEN', `role ${principal.role} may not use this route`);
    }
    req.principal = principal;
  });
});
