import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Roles, from the narrowest: `ingest` may only post events; `viewer` reads
 * boards and metrics; `agent` works the console (its own conversations and
 * its groups' queues, not the boards); `manager` passes agent and viewer
 * checks, scoped to the teams it manages; `admin` may do everything.
 */
export const ROLES = ['ingest', 'viewer', 'agent', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface ApiKey {
  /** Short public id for logs and audit; never the secret. */
  id: string;
  role: Role;
  secret: string;
  /** Roster scope of an agent or manager key (from the roster, never stored). */
  scope?: RosterScope;
}

export interface RosterScope {
  agentId: string;
  /** An agent's own team; a manager's managed teams. */
  teams: string[];
  groups: string[];
}

export interface Principal {
  keyId: string;
  role: Role;
  agentId?: string;
  teams?: string[];
  groups?: string[];
}

/** A roster member who gets a key: `agent:<id>`. */
export interface RosterMember {
  id: string;
  role: 'agent' | 'manager';
  team: string;
  manages: string[];
  groups: string[];
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Looks keys up in constant time per candidate. */
export class KeyRing {
  private readonly entries: Array<{ hash: Buffer; principal: Principal }>;
  constructor(readonly keys: ApiKey[]) {
    this.entries = keys.map((k) => ({ hash: digest(k.secret), principal: { keyId: k.id, role: k.role, ...(k.scope ? { agentId: k.scope.agentId, teams: k.scope.teams, groups: k.scope.groups } : {}) } }));
  }

  /** The principal of an `Authorization: Bearer …` header value, or null. */
  authenticate(header: string | undefined): Principal | null {
    if (!header) return null;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) return null;
    const h = digest(m[1]);
    let found: Principal | null = null;
    for (const e of this.entries) if (timingSafeEqual(e.hash, h)) found = e.principal;
    return found;
  }

  secretFor(role: Role): string | undefined {
    return this.keys.find((k) => k.role === role)?.secret;
  }

  /** The secret of one key by id (e.g. `agent:ag_wang`), for the start banner. */
  secretForId(id: string): string | undefined {
    return this.keys.find((k) => k.id === id)?.secret;
  }
}

export function generateSecret(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * Keys of the embedded default: taken from the environment when given,
 * otherwise generated once and kept in `<dataDir>/keys.json` (mode 0600) so
 * the same keys work after a restart. `created` lists what was generated now.
 */
export function loadOrCreateKeys(path: string, fromEnv: { ingestKey?: string; adminKey?: string }, roster: readonly RosterMember[] = []): { ring: KeyRing; created: Role[] } {
  let stored: ApiKey[] = [];
  if (existsSync(path)) stored = (JSON.parse(readFileSync(path, 'utf8')) as { keys: ApiKey[] }).keys;
  const created: Role[] = [];
  const pick = (role: Role, env: string | undefined, id: string): ApiKey => {
    if (env) return { id, role, secret: env };
    const prev = stored.find((k) => k.role === role);
    if (prev) return prev;
    created.push(role);
    return { id, role, secret: generateSecret() };
  };
  const keys = [pick('ingest', fromEnv.ingestKey, 'ingest-default'), pick('admin', fromEnv.adminKey, 'admin-default')];
  let rosterCreated = false;
  for (const m of roster) {
    const id = `agent:${m.id}`;
    const scope: RosterScope = { agentId: m.id, teams: m.role === 'manager' ? m.manages : [m.team], groups: m.groups };
    // The role follows the roster (a promotion takes effect at restart); the secret stays.
    const prev = stored.find((k) => k.id === id);
    if (!prev) rosterCreated = true;
    keys.push({ id, role: m.role, secret: prev?.secret ?? generateSecret(), scope });
  }
  if (rosterCreated && !created.includes('agent')) created.push('agent');
  if (created.length > 0) {
    mkdirSync(dirname(path), { recursive: true });
    const keep = keys.filter((k) => k.id.startsWith('agent:') || created.includes(k.role) || stored.some((s) => s.secret === k.secret));
    writeFileSync(path, JSON.stringify({ keys: keep.map(({ id, role, secret }) => ({ id, role, secret })) }, null, 2));
    chmodSync(path, 0o600);
  }
  return { ring: new KeyRing(keys), created };
}
