import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Roles, from the narrowest: `ingest` may only post events; `viewer` reads
 * boards and metrics; `admin` may do everything. Later issues add agent,
 * manager and analyst roles with row-level rules.
 */
export const ROLES = ['ingest', 'viewer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface ApiKey {
  /** Short public id for logs and audit; never the secret. */
  id: string;
  role: Role;
  secret: string;
}

export interface Principal {
  keyId: string;
  role: Role;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Looks keys up in constant time per candidate. */
export class KeyRing {
  private readonly entries: Array<{ hash: Buffer; principal: Principal }>;
  constructor(readonly keys: ApiKey[]) {
    this.entries = keys.map((k) => ({ hash: digest(k.secret), principal: { keyId: k.id, role: k.role } }));
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
}

export function generateSecret(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * Keys of the embedded default: taken from the environment when given,
 * otherwise generated once and kept in `<dataDir>/keys.json` (mode 0600) so
 * the same keys work after a restart. `created` lists what was generated now.
 */
export function loadOrCreateKeys(path: string, fromEnv: { ingestKey?: string; adminKey?: string }): { ring: KeyRing; created: Role[] } {
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
  if (created.length > 0) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, JSON.stringify({ keys: keys.filter((k) => created.includes(k.role) || stored.some((s) => s.secret === k.secret)) }, null, 2));
    chmodSync(path, 0o600);
  }
  return { ring: new KeyRing(keys), created };
}
