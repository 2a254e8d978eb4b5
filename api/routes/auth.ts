import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { OmnilaneError } from '../../shared/errors.js';
import type { AccessService } from '../auth/access-service.js';
import { setSessionCookie } from '../plugins/auth.js';
import { ErrorReply } from '../../shared/error-reply.js';

const security: Array<Record<string, string[]>> = [{ bearer: [] }, { session: [] }];
const SessionUser = Type.Object({
  id: Type.String(),
  username: Type.String(),
  name: Type.String(),
  role: Type.String(),
  agent_id: Type.Union([Type.String(), Type.Null()]),
});

/**
 * Sign-in for people (dashboard and console): a password checked with argon2id, then an HttpOnly, SameSite=Strict
 * session cookie (Secure over TLS) and a CSRF token the page keeps in memory and sends in X-CSRF-Token.
 */
export const authRoutes: FastifyPluginAsyncTypebox<{ access: AccessService }> = async (app, { access }) => {
  app.post(
    '/v1/auth/sign-in',
    {
      config: { permission: 'public' },
      schema: {
        summary: 'Sign in with a username and password: sets the session cookie, answers the CSRF token',
        tags: ['auth'],
        body: Type.Object(
          { username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ user: SessionUser, csrf_token: Type.String(), expires_at: Type.String({ format: 'date-time' }) }),
          400: ErrorReply,
          401: ErrorReply,
        },
      },
    },
    async (req, reply) => {
      const r = await access.signIn(req.body.username, req.body.password);
      if (!r) throw new OmnilaneError('API_ERR_SIGN_IN_FAILED', 'unknown username or wrong password');
      setSessionCookie(req, reply, r.id, r.session.expiresAt - r.session.createdAt);
      req.log.info({ user: r.user.id }, 'signed in');
      return {
        user: { id: r.user.id, username: r.user.username, name: r.user.name, role: r.user.role, agent_id: r.user.agentId },
        csrf_token: r.session.csrf,
        expires_at: new Date(r.session.expiresAt).toISOString(),
      };
    },
  );

  app.post(
    '/v1/auth/sign-out',
    {
      config: { permission: 'session' },
      schema: { summary: 'End this session (clears the cookie)', tags: ['auth'], security, response: { 204: Type.Null(), 401: ErrorReply, 403: ErrorReply } },
    },
    async (req, reply) => {
      if (req.session) await access.signOut(req.session.id);
      setSessionCookie(req, reply, '', 0);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/v1/auth/session',
    {
      config: { permission: 'session' },
      schema: {
        summary: 'Who is signed in (role, roster member, teams) and the CSRF token of a cookie session',
        tags: ['auth'],
        security,
        response: {
          200: Type.Object({
            kind: Type.String({ description: 'user (cookie or personal key) or key (machine key)' }),
            role: Type.String(),
            user: Type.Union([SessionUser, Type.Null()]),
            key_id: Type.Union([Type.String(), Type.Null()]),
            teams: Type.Array(Type.String()),
            csrf_token: Type.Union([Type.String(), Type.Null()]),
          }),
          401: ErrorReply,
        },
      },
    },
    async (req) => {
      const p = req.principal!;
      const u = p.userId ? await access.findUser(p.userId) : null;
      return {
        kind: p.kind,
        role: p.role,
        user: u ? { id: u.id, username: u.username, name: u.name, role: u.role, agent_id: u.agentId } : null,
        key_id: p.keyId ?? null,
        teams: p.teams ?? [],
        csrf_token: req.session?.csrf ?? null,
      };
    },
  );
};
