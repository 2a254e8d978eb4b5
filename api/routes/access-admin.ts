import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AccessService, KeyView, UserView } from '../auth/access-service.js';
import { actorId, ROLES, USER_ROLES } from '../auth/roles.js';
import { ErrorReply } from '../../shared/error-reply.js';

const security: Array<Record<string, string[]>> = [{ bearer: [] }, { session: [] }];
const base = { tags: ['admin'], security };
const errors = { 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 409: ErrorReply };
const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });
const UserRole = Type.Union(USER_ROLES.map((r) => Type.Literal(r)));
const Teams = Type.Union([Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 100 }), Type.Null()]);

const User = Type.Object({
  id: Type.String(),
  username: Type.String(),
  name: Type.String(),
  role: Type.String(),
  agent_id: Type.Union([Type.String(), Type.Null()]),
  teams: Type.Union([Type.Array(Type.String()), Type.Null()]),
  disabled: Type.Boolean(),
  created_at: Type.String({ format: 'date-time' }),
});
const Key = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Type.String(),
  user_id: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
  rotated_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revoked_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const user = (u: UserView) => ({
  id: u.id,
  username: u.username,
  name: u.name,
  role: u.role,
  agent_id: u.agentId,
  teams: u.teams,
  disabled: u.disabled,
  created_at: new Date(u.createdAt).toISOString(),
});
const key = (k: KeyView) => ({
  id: k.id,
  name: k.name,
  role: k.role,
  user_id: k.userId,
  created_at: new Date(k.createdAt).toISOString(),
  rotated_at: iso(k.rotatedAt),
  revoked_at: iso(k.revokedAt),
});

/** Users and keys at run time, for admins (the same operations as `omnilane users …` and `omnilane keys …`). */
export const accessAdminRoutes: FastifyPluginAsyncTypebox<{ access: AccessService }> = async (app, { access }) => {
  const config = { permission: 'access:admin' } as const;

  app.get(
    '/v1/admin/users',
    { config, schema: { ...base, summary: 'Users (never their password hashes)', response: { 200: Type.Object({ users: Type.Array(User) }), ...errors } } },
    async () => ({
      users: (await access.listUsers()).map(user),
    }),
  );

  app.post(
    '/v1/admin/users',
    {
      config,
      schema: {
        ...base,
        summary: 'Add a user with a role (agents and managers: their roster member)',
        body: Type.Object(
          {
            username: Type.String({ minLength: 2, maxLength: 64 }),
            name: Type.Optional(Type.String({ maxLength: 200 })),
            role: UserRole,
            password: Type.String({ minLength: 1, maxLength: 256 }),
            agent_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            teams: Type.Optional(Teams),
          },
          { additionalProperties: false },
        ),
        response: { 201: User, ...errors },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const u = await access.addUser({
        username: b.username,
        name: b.name,
        role: b.role,
        password: b.password,
        agentId: b.agent_id ?? null,
        teams: b.teams ?? null,
      });
      req.log.info({ user: u.id, role: u.role, by: actorId(req.principal) }, 'user added');
      return reply.status(201).send(user(u));
    },
  );

  app.patch(
    '/v1/admin/users/:id',
    {
      config,
      schema: {
        ...base,
        summary: 'Change role, roster member, teams, name, password or disable (a narrower role, a new password or disable ends their sessions)',
        params: Id,
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ maxLength: 200 })),
            role: Type.Optional(UserRole),
            agent_id: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()])),
            teams: Type.Optional(Teams),
            disabled: Type.Optional(Type.Boolean()),
            password: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: User, ...errors },
      },
    },
    async (req) => {
      const b = req.body;
      if (b.password !== undefined) await access.setPassword(req.params.id, b.password);
      const u = await access.updateUser(req.params.id, { name: b.name, role: b.role, agentId: b.agent_id, teams: b.teams, disabled: b.disabled });
      req.log.info({ user: u.id, role: u.role, disabled: u.disabled, by: actorId(req.principal) }, 'user changed');
      return user(u);
    },
  );

  app.delete(
    '/v1/admin/users/:id/sessions',
    {
      config,
      schema: {
        ...base,
        summary: "End every session of a user ('*': of everybody)",
        params: Id,
        response: { 200: Type.Object({ users: Type.Integer() }), ...errors },
      },
    },
    async (req) => ({ users: await access.endSessions(req.params.id === '*' ? undefined : req.params.id) }),
  );

  app.get(
    '/v1/admin/keys',
    { config, schema: { ...base, summary: 'API keys (never their secrets or hashes)', response: { 200: Type.Object({ keys: Type.Array(Key) }), ...errors } } },
    async () => ({
      keys: (await access.listKeys()).map(key),
    }),
  );

  app.post(
    '/v1/admin/keys',
    {
      config,
      schema: {
        ...base,
        summary: 'Create a key: a machine key with a role, or a personal key acting as a user; the secret is shown once',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 200 }),
            role: Type.Optional(Type.Union(ROLES.map((r) => Type.Literal(r)))),
            user: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ key: Key, secret: Type.String() }), ...errors },
      },
    },
    async (req, reply) => {
      const r = await access.createKey(req.body);
      req.log.info({ key: r.key.id, role: r.key.role, by: actorId(req.principal) }, 'key created');
      return reply.status(201).send({ key: key(r.key), secret: r.secret });
    },
  );

  app.post(
    '/v1/admin/keys/:id/rotate',
    {
      config,
      schema: {
        ...base,
        summary: 'A new secret for a key; the old one stops working at once',
        params: Id,
        response: { 200: Type.Object({ key: Key, secret: Type.String() }), ...errors },
      },
    },
    async (req) => {
      const r = await access.rotateKey(req.params.id);
      req.log.info({ key: r.key.id, by: actorId(req.principal) }, 'key rotated');
      return { key: key(r.key), secret: r.secret };
    },
  );

  app.delete(
    '/v1/admin/keys/:id',
    {
      config,
      schema: { ...base, summary: "Revoke a key ('*': every key)", params: Id, response: { 200: Type.Object({ revoked: Type.Array(Key) }), ...errors } },
    },
    async (req) => {
      const revoked = await access.revokeKey(req.params.id === '*' ? { all: true } : req.params.id);
      req.log.info({ keys: revoked.map((k) => k.id), by: actorId(req.principal) }, 'keys revoked');
      return { revoked: revoked.map(key) };
    },
  );
};
