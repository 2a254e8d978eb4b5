import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { isOmnilaneError } from '../../shared/errors.js';
import type { AccessService } from './access-service.js';
import { roleOf } from './roles.js';
import { generatePassword } from './secrets.js';

/** A roster member who gets a user (username = roster id) on first start. */
export interface RosterPerson {
  id: string;
  name: string;
  role: 'agent' | 'manager';
}

export interface BootstrapOptions {
  /** The old plaintext key file (DATA_DIR/keys.json): imported as hashes, then deleted. */
  legacyKeysPath: string;
  /** Where generated passwords and keys are written (mode 0600); its path is printed, never its content. */
  credentialsPath: string;
  /** OMNILANE_INGEST_KEY / OMNILANE_ADMIN_KEY: stored as hashes under ingest-default / admin-default. */
  ingestKey?: string;
  adminKey?: string;
  /** Roster members without a user get one, with a generated password. */
  roster?: readonly RosterPerson[];
}

export interface BootstrapResult {
  /** What was generated now (written to credentialsPath): `user:<name>`, `key:<id>`. */
  generated: string[];
  /** Keys imported from the legacy plaintext file. */
  migrated: number;
  credentialsPath: string;
}

function note(path: string, lines: string[]): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const head = existsSync(path)
    ? ''
    : '# Omnilane: generated credentials (mode 0600). Sign in and change passwords (omnilane users passwd NAME), then delete this file.\n';
  appendFileSync(path, head + lines.join('\n') + '\n', { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** Runs `add`; null when the name was taken meanwhile (API_ERR_CONFLICT). */
async function addOnce<T>(add: () => Promise<T>): Promise<T | null> {
  try {
    return await add();
  } catch (err) {
    if (isOmnilaneError(err) && err.code === 'API_ERR_CONFLICT') return null;
    throw err;
  }
}

/**
 * First start and upgrades: imports a plaintext keys.json as hashes (and deletes it), stores the keys given in
 * the environment, creates an `admin` user when there is none and a user per roster member, and a default
 * ingest key when there is none. Generated secrets go to a 0600 file whose path the caller prints.
 */
export async function bootstrapAccess(access: AccessService, o: BootstrapOptions): Promise<BootstrapResult> {
  const generated: string[] = [];
  const lines: string[] = [];
  let migrated = 0;
  if (existsSync(o.legacyKeysPath)) {
    const old = (JSON.parse(readFileSync(o.legacyKeysPath, 'utf8')) as { keys?: Array<{ id?: unknown; role?: unknown; secret?: unknown }> }).keys ?? [];
    for (const k of old) {
      const role = roleOf(k.role);
      if (typeof k.id !== 'string' || typeof k.secret !== 'string' || !role) continue;
      const agentId = k.id.startsWith('agent:') ? k.id.slice('agent:'.length) : null;
      await access.putKey({ id: k.id, name: `migrated from keys.json`, role, secret: k.secret, agentId });
      migrated++;
    }
    rmSync(o.legacyKeysPath, { force: true });
  }
  if (o.ingestKey) await access.putKey({ id: 'ingest-default', name: 'OMNILANE_INGEST_KEY', role: 'ingest', secret: o.ingestKey });
  if (o.adminKey) await access.putKey({ id: 'admin-default', name: 'OMNILANE_ADMIN_KEY', role: 'admin', secret: o.adminKey });

  const keys = await access.listKeys();
  if (!keys.some((k) => k.role === 'ingest' && k.revokedAt === null)) {
    const made = await addOnce(() => access.createKey({ id: 'ingest-default', name: 'default ingest key', role: 'ingest' }));
    if (made) {
      generated.push(`key:${made.key.id}`);
      lines.push(`key ${made.key.id} (role ingest): ${made.secret}`);
    }
  }
  const users = await access.listUsers();
  if (!users.some((u) => u.role === 'admin')) {
    const password = generatePassword();
    const username = users.some((u) => u.username === 'admin') ? 'admin1' : 'admin';
    if (await addOnce(() => access.addUser({ username, name: 'Administrator', role: 'admin', password }))) {
      generated.push(`user:${username}`);
      lines.push(`user ${username} (role admin): ${password}`);
    }
  }
  for (const m of o.roster ?? []) {
    if (users.some((u) => u.agentId === m.id || u.username === m.id.toLowerCase())) continue;
    const password = generatePassword();
    // Another process starting at the same moment (distributed mode) may have added them: theirs stands.
    if (!(await addOnce(() => access.addUser({ username: m.id, name: m.name, role: m.role, agentId: m.id, password })))) continue;
    generated.push(`user:${m.id}`);
    lines.push(`user ${m.id.toLowerCase()} (role ${m.role}, ${m.name}): ${password}`);
  }
  if (lines.length > 0) note(o.credentialsPath, lines);
  return { generated, migrated, credentialsPath: o.credentialsPath };
}
