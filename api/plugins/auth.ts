import { timingSafeEqual } from 'node:crypto';
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { OmnilaneError } from '../../shared/errors.js';
import type { AccessService, Session } from '../auth/access-service.js';
import { allows, rolesFor, type Permission } from '../auth/permissions.js';
import type { Principal } from '../auth/roles.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    /** The cookie session behind `principal` (absent for bearer keys). */
    session?: { id: string } & Session;
  }
  interface FastifyContextConfig {
    /**
     * What the route needs (api/auth/permissions.ts); also published as `x-permission` and `x-roles` in
     * /openapi.json. Every /v1 route must declare one (`public` included): registering one without fails.
     */
    permission?: Permission;
  }
}

/** The session cookie: HttpOnly, SameSite=Strict, Secure when the request came over TLS. */
export const SESSION_COOKIE = 'omnilane_session';
/** The header a cookie session sends its CSRF token in, on every state-changing request. */
export const CSRF_HEADER = 'x-csrf-token';

/** A roster member's scope: an agent's own team, a manager's managed teams, their groups. */
export interface RosterLookup {
  (agentId: string): { role: string; team: string; manages: string[]; groups: string[] } | undefined;
}

export interface AuthPluginOptions {
  access: AccessService;
  /** The live roster (routing desk); absent, agents and managers have no team scope beyond their user record. */
  roster?: RosterLookup;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Sets the session cookie (`maxAgeMs`) or clears it (0). */
export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, id: string, maxAgeMs: number): void {
  reply.setCookie(SESSION_COOKIE, id, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: req.protocol === 'https',
    maxAge: Math.max(0, Math.floor(maxAgeMs / 1000)),
  });
}

/** The principal's roster scope from the live roster: resolved per request, so a roster change needs no restart. */
export function withRosterScope(p: Principal, roster: RosterLookup | undefined): Principal {
  if (!p.agentId) return p;
  const m = roster?.(p.agentId);
  const teams = p.teams ?? (m ? (p.role === 'manager' ? m.manages : [m.team]) : []);
  return { ...p, teams, groups: m?.groups ?? [] };
}

/**
 * Authenticates every route that declares a permission other than `public`, before its body is read: a bearer
 * key (`Authorization: Bearer …`, machines) or the session cookie (people). A cookie session must send its
 * CSRF token in `X-CSRF-Token` on POST, PUT, PATCH and DELETE (a bearer key is never sent by a browser on its
 * own, so it needs none). No secret is read from a URL.
 */
export const authPlugin = fp(async (app: FastifyInstance, opts: AuthPluginOptions) => {
  if (!app.hasRequestDecorator('cookies')) await app.register(cookie);

  app.addHook('onRoute', (route) => {
    const permission = route.config?.permission;
    const url = route.url ?? '';
    if (!permission) {
      if (url.startsWith('/v1/')) throw new Error(`route ${String(route.method)} ${url} declares no config.permission (api/auth/permissions.ts)`);
      return;
    }
    if (route.schema && !route.schema.hide)
      route.schema = { ...route.schema, 'x-permission': permission, 'x-roles': rolesFor(permission) } as typeof route.schema;
  });

  app.addHook('onRequest', async (req: FastifyRequest) => {
    const permission = req.routeOptions.config?.permission;
    if (!permission || permission === 'public') return;
    const ingestRoute = permission === 'events:write';
    let principal: Principal | null = null;
    const header = req.headers.authorization;
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      principal = m ? await opts.access.authenticateKey(m[1]) : null;
    } else {
      const id = req.cookies?.[SESSION_COOKIE];
      const found = id ? await opts.access.session(id) : null;
      if (found && id) {
        if (UNSAFE.has(req.method) && !sameSecret(req.headers[CSRF_HEADER], found.session.csrf)) {
          throw new OmnilaneError('API_ERR_CSRF', `a signed-in browser must send its CSRF token in ${CSRF_HEADER} on ${req.method}`);
        }
        principal = found.principal;
        req.session = { id, ...found.session };
      }
    }
    if (!principal) {
      throw new OmnilaneError(ingestRoute ? 'ING_ERR_UNAUTHORIZED' : 'API_ERR_UNAUTHORIZED', 'sign in, or send Authorization: Bearer <key>');
    }
    if (!allows(principal.role, permission)) {
      throw new OmnilaneError('API_ERR_FORBIDDEN', `role ${principal.role} lacks permission ${permission}`);
    }
    req.principal = withRosterScope(principal, opts.roster);
  });
});
