import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AtomicScript, StateStore } from '../../shared/ports/state-store.js';
import type { Role, UserRole } from './roles.js';

/** A person who signs in. Only the argon2id hash of the password is kept. */
export interface UserRecord {
  id: string;
  /** Sign-in name, unique, case-insensitive (stored lower-case). */
  username: string;
  /** Display name. */
  name: string;
  role: UserRole;
  /** Their routing roster member (agents and managers). */
  agentId: string | null;
  /** Teams a manager oversees when not taken from the roster (null: the roster decides). */
  teams: string[] | null;
  passwordHash: string;
  disabled: boolean;
  createdAt: number;
  /** Bumped by a password change, disable or "sign out everywhere": older sessions stop working. */
  sessionEpoch: number;
}

/** A machine key. Only the SHA-256 of the secret is kept; the secret is shown once, at create or rotate. */
export interface KeyRecord {
  id: string;
  name: string;
  role: Role;
  /** A personal key acts as this user (their role and roster scope); null for a machine key. */
  userId: string | null;
  /** Roster member of a key migrated from the old per-agent keys (`agent:<id>`). */
  agentId: string | null;
  hash: string;
  createdAt: number;
  rotatedAt: number | null;
  revokedAt: number | null;
}

export interface AccessState {
  users: UserRecord[];
  keys: KeyRecord[];
}

/**
 * A durable copy of the shared access state (port; api/auth/access-backup.ts keeps it in the warehouse). `rev`
 * counts changes, so the newest copy wins and a restore never brings back an older state.
 */
export interface AccessBackup {
  load(): Promise<{ raw: string; rev: number } | null>;
  save(raw: string, rev: number): Promise<void>;
}

/** The change counter a serialised state carries (0 before the first change). */
function revOf(raw: string): number {
  if (!raw) return 0;
  const rev = (JSON.parse(raw) as { rev?: unknown }).rev;
  return typeof rev === 'number' && Number.isInteger(rev) ? rev : 0;
}

const EMPTY: AccessState = { users: [], keys: [] };

/**
 * Where users and keys live (port). Reads are cheap (cached; a change by another process is seen on the next
 * read: at once for the file, within `cacheMs` for the state store). `update` is an atomic read-modify-write.
 */
export interface AccessStore {
  read(): Promise<AccessState>;
  update<R>(change: (state: AccessState) => { state: AccessState; result: R }): Promise<R>;
}

function parseState(text: string | null): AccessState {
  if (!text) return { users: [], keys: [] };
  const v = JSON.parse(text) as Partial<AccessState>;
  return { users: Array.isArray(v.users) ? v.users : [], keys: Array.isArray(v.keys) ? v.keys : [] };
}

/**
 * Embedded mode: one JSON file under DATA_DIR, mode 0600, replaced atomically (write + rename). A file rather
 * than the embedded state store because `omnilane users …` and `omnilane keys …` must change it while
 * `omnilane start` holds DATA_DIR's lock (the embedded store belongs to that one process); the server sees the
 * change on its next request (it re-reads when the file's mtime or size moved).
 */
export class FileAccessStore implements AccessStore {
  private cached: { stamp: string; state: AccessState } | null = null;
  constructor(readonly path: string) {}

  async read(): Promise<AccessState> {
    return this.readNow();
  }

  private readNow(): AccessState {
    if (!existsSync(this.path)) return EMPTY;
    const st = statSync(this.path);
    const stamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
    if (this.cached?.stamp === stamp) return this.cached.state;
    const state = parseState(readFileSync(this.path, 'utf8'));
    this.cached = { stamp, state };
    return state;
  }

  async update<R>(change: (state: AccessState) => { state: AccessState; result: R }): Promise<R> {
    this.cached = null;
    const { state, result } = change(structuredClone(this.readNow()));
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(state, null, 1), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.path);
    this.cached = null;
    return result;
  }
}

/** Compare-and-set of one string value (empty string: absent), the state store's atomic step for `update`. */
const COMPARE_AND_SET: AtomicScript<boolean> = {
  name: 'access-cas',
  lua: `if (redis.call('GET', KEYS[1]) or '') == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2]) return 1 end return 0`,
  local(tx, keys, args) {
    if ((tx.get(keys[0]) ?? '') !== args[0]) return false;
    tx.set(keys[0], args[1]);
    return true;
  },
  decode: (raw) => Number(raw) === 1,
};

/**
 * Distributed mode: one value in the state store (Redis), so every api and ingest process sees the same users
 * and keys; updates are compare-and-set, retried on a concurrent change. Reads are cached for `cacheMs`, so a
 * revoked key stops working everywhere within that time (at once in the process that revoked it).
 *
 * Redis is a cache of state, and may lose its keys: every change is also saved to `backup` (the warehouse), and
 * a read that finds the value gone puts the newest saved copy back (compare-and-set from empty, so concurrent
 * restores and changes cannot overwrite each other). Without it, losing Redis would lock every person and
 * machine out.
 */
export class StateAccessStore implements AccessStore {
  private cached: { at: number; raw: string; state: AccessState } | null = null;
  constructor(
    private readonly state: StateStore,
    private readonly now: () => number,
    private readonly cacheMs = 1000,
    private readonly key = 'acc:state',
    private readonly backup?: AccessBackup,
  ) {}

  async read(): Promise<AccessState> {
    if (this.cached && this.now() - this.cached.at < this.cacheMs) return this.cached.state;
    let raw: string;
    try {
      raw = await this.current();
    } catch (err) {
      // The state store is down: keep authenticating with the last state this process read (a revocation made
      // elsewhere during the outage waits for Redis), so the request fails, or succeeds, on its own merits.
      if (this.cached) return this.cached.state;
      throw err;
    }
    const state = parseState(raw || null);
    this.cached = { at: this.now(), raw, state };
    return state;
  }

  async update<R>(change: (state: AccessState) => { state: AccessState; result: R }): Promise<R> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const raw = await this.current();
      const { state, result } = change(parseState(raw || null));
      const rev = revOf(raw) + 1;
      const next = JSON.stringify({ ...state, rev });
      if (await this.state.atomic(COMPARE_AND_SET, [this.key], [raw, next])) {
        // After the change is in force: a crash in between loses at most this change's durable copy, which the
        // next change writes again (the whole state each time).
        await this.backup?.save(next, rev);
        this.cached = { at: this.now(), raw: next, state };
        return result;
      }
    }
    throw new Error('access store: too many concurrent changes');
  }

  /** Saves the current state when the durable copy is missing or older (a state written before backups existed). */
  async ensureBackup(): Promise<void> {
    if (!this.backup) return;
    const raw = await this.current();
    if (!raw) return;
    const saved = await this.backup.load();
    if (!saved || saved.rev < revOf(raw)) await this.backup.save(raw, revOf(raw));
  }

  /** The shared value; when the state store lost it, the newest durable copy, put back first. */
  private async current(): Promise<string> {
    const raw = (await this.state.get(this.key)) ?? '';
    if (raw || !this.backup) return raw;
    const saved = await this.backup.load();
    if (!saved) return '';
    await this.state.atomic(COMPARE_AND_SET, [this.key], ['', saved.raw]);
    return (await this.state.get(this.key)) ?? '';
  }
}
