/**
 * Roles, from the narrowest: `ingest` (machine keys) may only post events; `analyst` reads aggregates, funnels,
 * attribution and drill-downs with personal fields masked; `agent` works the console on the customers and
 * conversations assigned to them; `manager` passes agent and analyst checks, scoped to the teams they manage;
 * `admin` may do everything. (`viewer`, the analyst's old name, is read as `analyst`.)
 */
export const ROLES = ['ingest', 'analyst', 'agent', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** People's roles (users); `ingest` is for machine keys only. */
export const USER_ROLES = ['analyst', 'agent', 'manager', 'admin'] as const satisfies readonly Role[];
export type UserRole = (typeof USER_ROLES)[number];

/** A stored role name as today's role (`viewer` was renamed `analyst`); null for anything unknown. */
export function roleOf(name: unknown): Role | null {
  if (name === 'viewer') return 'analyst';
  return (ROLES as readonly unknown[]).includes(name) ? (name as Role) : null;
}

/**
 * Who is calling: a person signed in with a session cookie, or a machine key (which may be bound to a person:
 * then it acts as that person). `agentId` links the person to the routing roster; `teams` and `groups` are the
 * roster scope (an agent's own team, a manager's managed teams), resolved at each request so a roster change
 * takes effect without a restart.
 */
export interface Principal {
  kind: 'user' | 'key';
  role: Role;
  /** The signed-in person (or the person a key is bound to). */
  userId?: string;
  username?: string;
  /** The key used, for machine calls: its public id, never the secret. */
  keyId?: string;
  agentId?: string;
  teams?: string[];
  groups?: string[];
}

/** The actor as the audit log records it: who (user or key id), in which role, for which roster member. */
export interface AuditActor {
  type: 'user' | 'key';
  id: string;
  role: Role;
  agent_id: string | null;
}

/** The audit entry's actor for a principal (security-audit's hook: `auditActor(req.principal)`). */
export function auditActor(p: Principal | undefined): AuditActor {
  if (!p) return { type: 'key', id: 'anonymous', role: 'ingest', agent_id: null };
  const id = p.userId ? `user:${p.userId}` : `key:${p.keyId ?? '?'}`;
  return { type: p.kind, id, role: p.role, agent_id: p.agentId ?? null };
}

/** A short stable name of the caller for logs and producer ids (`user:<id>` or `key:<id>`). */
export const actorId = (p: Principal | undefined): string => auditActor(p).id;

/**
 * The roster identity a principal acts as when it writes a message or an action: its roster member, else its
 * user or key id (an admin without a roster entry is recorded as itself, never as somebody else).
 */
export const actingAs = (p: Principal | undefined): string => p?.agentId ?? actorId(p);
