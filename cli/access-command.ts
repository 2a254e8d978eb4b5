import { join } from 'node:path';
import { AccessService, type KeyView, type UserView } from '../api/auth/access-service.js';
import { FileAccessStore, StateAccessStore } from '../api/auth/access-store.js';
import { USER_ROLES, type Role, type UserRole } from '../api/auth/roles.js';
import { generatePassword } from '../api/auth/secrets.js';
import { systemClock } from '../shared/clock.js';
import type { Config } from '../shared/config.js';
import { OmnilaneError } from '../shared/errors.js';
import type { StateStore } from '../shared/ports/state-store.js';
import { MemoryStateStore } from '../stream/state/memory-state-store.js';
import { RedisStateStore } from '../stream/state/redis-state-store.js';
import { WarehouseAccessBackup } from '../api/auth/access-backup.js';
import { silentLogger } from '../shared/logger.js';
import type { Warehouse } from '../shared/ports/warehouse.js';
import { parseFlags, type FlagSpecs } from './args.js';
import { openWarehouse } from './engines.js';
import { engineTls } from './tls.js';

export interface AccessCommandIo {
  stdout(s: string): void;
  /** The whole of standard input (for --password-stdin). */
  stdin(): Promise<string>;
}

export const USERS_USAGE = `omnilane users add NAME --role admin|manager|agent|analyst [--agent ROSTER_ID] [--teams a,b] [--display "Name"] [--password-stdin]
omnilane users list
omnilane users passwd NAME [--password-stdin]     (without it a password is generated and shown once)
omnilane users disable NAME | enable NAME
omnilane users end-sessions NAME | --all`;
export const KEYS_USAGE = `omnilane keys create --name TEXT (--role ingest|analyst|agent|manager|admin | --user NAME)
omnilane keys list
omnilane keys rotate ID
omnilane keys revoke ID | --all`;

/**
 * The store the running server uses: DATA_DIR/access.json in embedded mode (no lock needed: the server re-reads
 * it), the state store (Redis) when REDIS_URL is set.
 */
async function openAccess(cfg: Config): Promise<{ access: AccessService; close: () => Promise<void> }> {
  let state: StateStore = new MemoryStateStore({ clock: systemClock });
  let store;
  let warehouse: Warehouse | undefined;
  if (cfg.redis.url) {
    state = new RedisStateStore({
      url: cfg.redis.url,
      keyPrefix: cfg.namespace ? `${cfg.namespace}:` : undefined,
      lazyConnect: true,
      commandTimeoutMs: cfg.redis.commandTimeoutMs,
      ...engineTls(cfg).redis,
    });
    // The durable copy the servers restore from when Redis loses its keys (a change here is saved there too).
    warehouse = await openWarehouse(cfg, silentLogger());
    await warehouse.migrate();
    store = new StateAccessStore(state, () => systemClock.now(), 0, undefined, new WarehouseAccessBackup(warehouse, systemClock));
  } else {
    store = new FileAccessStore(join(cfg.dataDir, 'access.json'));
  }
  const close = async () => {
    await state.close();
    await warehouse?.close();
  };
  return { access: new AccessService({ store, sessions: state, clock: systemClock }), close };
}

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());
const userLine = (u: UserView) => `${u.username}\t${u.role}\t${u.agentId ?? '-'}\t${u.disabled ? 'disabled' : 'active'}\t${u.name}`;
const keyLine = (k: KeyView) => `${k.id}\t${k.role}\t${k.userId ?? '-'}\t${k.revokedAt === null ? 'active' : `revoked ${iso(k.revokedAt)}`}\t${k.name}`;

async function passwordFrom(flags: { 'password-stdin'?: boolean }, io: AccessCommandIo): Promise<{ password: string; generated: boolean }> {
  if (flags['password-stdin']) return { password: (await io.stdin()).replace(/\r?\n$/, ''), generated: false };
  return { password: generatePassword(), generated: true };
}

/** Flags and the subcommand with its one name or id; a usage error is API_ERR_VALIDATION like the others here. */
function flagsOrThrow<const S extends FlagSpecs>(argv: string[], specs: S, usage: string) {
  const parsed = parseFlags(argv, specs, { positionals: 2 });
  if (!parsed.ok) throw new OmnilaneError('API_ERR_VALIDATION', `${parsed.message}\nusage: ${usage}`);
  return parsed;
}

/** `omnilane users …`: people who sign in. Exit code 0 on success, 2 on bad usage. */
export async function usersCommand(argv: string[], cfg: Config, io: AccessCommandIo): Promise<number> {
  const { flags: f, positionals } = flagsOrThrow(
    argv,
    {
      role: { type: 'string' },
      agent: { type: 'string' },
      teams: { type: 'string' },
      display: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      all: { type: 'boolean' },
    },
    USERS_USAGE,
  );
  const [sub, name] = positionals;
  const { access, close } = await openAccess(cfg);
  try {
    switch (sub) {
      case 'add': {
        if (!name || !f.role || !(USER_ROLES as readonly string[]).includes(f.role))
          throw new OmnilaneError('API_ERR_VALIDATION', `usage: ${USERS_USAGE.split('\n')[0]}`);
        const { password, generated } = await passwordFrom(f, io);
        const u = await access.addUser({
          username: name,
          name: f.display,
          role: f.role as UserRole,
          password,
          agentId: f.agent ?? null,
          teams: f.teams
            ? f.teams
                .split(',')
                .map((t) => t.trim())
                .filter(Boolean)
            : null,
        });
        io.stdout(`added ${userLine(u)}\n${generated ? `password (shown once): ${password}\n` : ''}`);
        return 0;
      }
      case 'list':
        io.stdout(['username\trole\troster\tstatus\tname', ...(await access.listUsers()).map(userLine)].join('\n') + '\n');
        return 0;
      case 'passwd': {
        if (!name) throw new OmnilaneError('API_ERR_VALIDATION', 'usage: omnilane users passwd NAME [--password-stdin]');
        const { password, generated } = await passwordFrom(f, io);
        const u = await access.setPassword(name, password);
        io.stdout(`password changed for ${u.username}; their sessions ended\n${generated ? `password (shown once): ${password}\n` : ''}`);
        return 0;
      }
      case 'disable':
      case 'enable': {
        if (!name) throw new OmnilaneError('API_ERR_VALIDATION', `usage: omnilane users ${sub} NAME`);
        const u = await access.updateUser(name, { disabled: sub === 'disable' });
        io.stdout(`${sub}d ${userLine(u)}\n`);
        return 0;
      }
      case 'end-sessions': {
        if (!name && !f.all) throw new OmnilaneError('API_ERR_VALIDATION', 'usage: omnilane users end-sessions NAME | --all');
        io.stdout(`ended the sessions of ${await access.endSessions(f.all ? undefined : name)} user(s)\n`);
        return 0;
      }
      default:
        io.stdout(USERS_USAGE + '\n');
        return 2;
    }
  } finally {
    await close();
  }
}

/** `omnilane keys …`: machine keys (stored hashed; a secret is shown once). */
export async function keysCommand(argv: string[], cfg: Config, io: AccessCommandIo): Promise<number> {
  const { flags: f, positionals } = flagsOrThrow(
    argv,
    { name: { type: 'string' }, role: { type: 'string' }, user: { type: 'string' }, all: { type: 'boolean' } },
    KEYS_USAGE,
  );
  const [sub, id] = positionals;
  const { access, close } = await openAccess(cfg);
  try {
    switch (sub) {
      case 'create': {
        if (!f.name || (!f.role && !f.user)) throw new OmnilaneError('API_ERR_VALIDATION', `usage: ${KEYS_USAGE.split('\n')[0]}`);
        const { key, secret } = await access.createKey({ name: f.name, role: f.role as Role | undefined, user: f.user });
        io.stdout(`created ${keyLine(key)}\nsecret (shown once): ${secret}\n`);
        return 0;
      }
      case 'list':
        io.stdout(['id\trole\tuser\tstatus\tname', ...(await access.listKeys()).map(keyLine)].join('\n') + '\n');
        return 0;
      case 'rotate': {
        if (!id) throw new OmnilaneError('API_ERR_VALIDATION', 'usage: omnilane keys rotate ID');
        const { key, secret } = await access.rotateKey(id);
        io.stdout(`rotated ${keyLine(key)}; the old secret no longer works\nsecret (shown once): ${secret}\n`);
        return 0;
      }
      case 'revoke': {
        if (!id && !f.all) throw new OmnilaneError('API_ERR_VALIDATION', 'usage: omnilane keys revoke ID | --all');
        const revoked = await access.revokeKey(f.all ? { all: true } : id);
        io.stdout(revoked.map((k) => `revoked ${keyLine(k)}`).join('\n') + (revoked.length ? '\n' : 'no active keys\n'));
        return 0;
      }
      default:
        io.stdout(KEYS_USAGE + '\n');
        return 2;
    }
  } finally {
    await close();
  }
}

/**
 * `omnilane security revoke-all`: the incident runbook's first step in one command. Ends every sign-in session
 * and revokes every machine key, in every process (the shared store). Keys set in the environment
 * (OMNILANE_INGEST_KEY, OMNILANE_ADMIN_KEY) are re-stored at the next start: replace them before restarting.
 */
export async function securityCommand(argv: string[], cfg: Config, io: AccessCommandIo): Promise<number> {
  if (argv[0] !== 'revoke-all' || argv.length > 1) {
    io.stdout('usage: omnilane security revoke-all\n');
    return 2;
  }
  const { access, close } = await openAccess(cfg);
  try {
    const users = await access.endSessions();
    const keys = await access.revokeKey({ all: true });
    io.stdout(
      `ended the sessions of ${users} user(s); revoked ${keys.length} key(s)\nreplace OMNILANE_INGEST_KEY / OMNILANE_ADMIN_KEY before restarting, then create new keys: omnilane keys create\n`,
    );
    return 0;
  } finally {
    await close();
  }
}
