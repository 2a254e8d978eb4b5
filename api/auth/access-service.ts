import { randomBytes } from 'node:crypto';
import type { Clock } from '../../shared/clock.js';
import { OmnilaneError } from '../../shared/errors.js';
import type { StateStore } from '../../shared/ports/state-store.js';
import type { AccessState, AccessStore, KeyRecord, UserRecord } from './access-store.js';
import { roleOf, USER_ROLES, type Principal, type Role, type UserRole } from './roles.js';
import { generateSecret, hashPassword, passwordProblem, secretHash, verifyPassword } from './secrets.js';

/** A user as the API and CLI show it: never the password hash. */
export type UserView = Omit<UserRecord, 'passwordHash' | 'sessionEpoch'>;
/** A key as the API and CLI show it: never the hash. */
export type KeyView = Omit<KeyRecord, 'hash'>;

export interface Session {
  userId: string;
  /** Sent back by the browser in `X-CSRF-Token` on every state-changing request. */
  csrf: string;
  createdAt: number;
  expiresAt: number;
}

interface StoredSession extends Session {
  epoch: number;
}

export interface AccessServiceOptions {
  store: AccessStore;
  /** Sessions: the state store (Redis in distributed mode: every api process sees them; expiry by TTL). */
  sessions: StateStore;
  clock: Clock;
  /** How long a sign-in lasts, ms (default 12 h). */
  sessionTtlMs?: number;
  /**
   * Keys the environment defines (OMNILANE_INGEST_KEY, OMNILANE_ADMIN_KEY): stored at every start, and honoured
   * when the shared store lost them (a Redis without a durable copy, e.g. an ingest-only process), because the
   * environment still says so. To retire one, remove it from the environment.
   */
  envKeys?: ReadonlyArray<{ id: string; role: Role; secret: string }>;
}

const userView = ({ passwordHash: _h, sessionEpoch: _e, ...u }: UserRecord): UserView => u;
const keyView = ({ hash: _h, ...k }: KeyRecord): KeyView => k;
const newId = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;
const USERNAME = /^[a-z0-9][a-z0-9_.@-]{1,63}$/;
const SESSION_PREFIX = 'acc:sess:';

/** A hash verified when the user is unknown, so a wrong username costs as long as a wrong password. */
let dummyHash: Promise<string> | null = null;

/**
 * People and machine keys: users with a role and a roster identity who sign in with a password (argon2id) and
 * get a session; machine keys stored as SHA-256 hashes; both created, changed and revoked at run time (the
 * store is shared, see AccessStore). Errors carry catalogue codes.
 */
export class AccessService {
  private index: { state: AccessState; byHash: Map<string, KeyRecord>; byId: Map<string, UserRecord> } | null = null;
  private readonly ttlMs: number;

  constructor(private readonly o: AccessServiceOptions) {
    this.ttlMs = o.sessionTtlMs ?? 12 * 3_600_000;
  }

  private async indexed() {
    const state = await this.o.store.read();
    if (this.index?.state !== state) {
      this.index = { state, byHash: new Map(state.keys.map((k) => [k.hash, k])), byId: new Map(state.users.map((u) => [u.id, u])) };
    }
    return this.index;
  }

  private principalOfUser(u: UserRecord, kind: Principal['kind'], keyId?: string): Principal {
    return {
      kind,
      role: u.role,
      userId: u.id,
      username: u.username,
      ...(keyId ? { keyId } : {}),
      ...(u.agentId ? { agentId: u.agentId } : {}),
      ...(u.teams ? { teams: u.teams } : {}),
    };
  }

  /** The principal of a bearer secret, or null (unknown, revoked, or bound to a disabled user). */
  async authenticateKey(secret: string): Promise<Principal | null> {
    const { byHash, byId } = await this.indexed();
    const hash = secretHash(secret);
    const k = byHash.get(hash);
    if (!k) {
      const env = this.o.envKeys?.find((e) => secretHash(e.secret) === hash);
      return env ? { kind: 'key', role: env.role, keyId: env.id } : null;
    }
    if (k.revokedAt !== null) return null;
    if (k.userId) {
      const u = byId.get(k.userId);
      return u && !u.disabled ? this.principalOfUser(u, 'key', k.id) : null;
    }
    return { kind: 'key', role: k.role, keyId: k.id, ...(k.agentId ? { agentId: k.agentId } : {}) };
  }

  // ---- users ----

  async listUsers(): Promise<UserView[]> {
    return (await this.o.store.read()).users.map(userView);
  }

  async findUser(idOrName: string): Promise<UserView | null> {
    const want = idOrName.toLowerCase();
    const u = (await this.o.store.read()).users.find((x) => x.id === idOrName || x.username === want);
    return u ? userView(u) : null;
  }

  async addUser(input: {
    username: string;
    name?: string;
    role: UserRole;
    password: string;
    agentId?: string | null;
    teams?: string[] | null;
  }): Promise<UserView> {
    const username = input.username.trim().toLowerCase();
    if (!USERNAME.test(username)) throw new OmnilaneError('API_ERR_VALIDATION', 'username: 2 to 64 of a-z 0-9 _ . @ -, starting with a letter or digit');
    if (!(USER_ROLES as readonly string[]).includes(input.role)) throw new OmnilaneError('API_ERR_VALIDATION', `role must be one of ${USER_ROLES.join(', ')}`);
    const problem = passwordProblem(input.password);
    if (problem) throw new OmnilaneError('API_ERR_VALIDATION', problem);
    const passwordHash = await hashPassword(input.password);
    const now = this.o.clock.now();
    return this.o.store.update((s) => {
      if (s.users.some((u) => u.username === username)) throw new OmnilaneError('API_ERR_CONFLICT', `user ${username} exists`);
      const user: UserRecord = {
        id: newId('usr'),
        username,
        name: input.name?.trim() || username,
        role: input.role,
        agentId: input.agentId ?? null,
        teams: input.teams ?? null,
        passwordHash,
        disabled: false,
        createdAt: now,
        sessionEpoch: 0,
      };
      return { state: { ...s, users: [...s.users, user] }, result: userView(user) };
    });
  }

  private async changeUser(idOrName: string, change: (u: UserRecord) => UserRecord): Promise<UserView> {
    const want = idOrName.toLowerCase();
    return this.o.store.update((s) => {
      const i = s.users.findIndex((u) => u.id === idOrName || u.username === want);
      if (i < 0) throw new OmnilaneError('API_ERR_NOT_FOUND', `no user ${idOrName}`);
      const users = [...s.users];
      users[i] = change(users[i]);
      return { state: { ...s, users }, result: userView(users[i]) };
    });
  }

  /** Sets a new password and ends the user's sessions. */
  async setPassword(idOrName: string, password: string): Promise<UserView> {
    const problem = passwordProblem(password);
    if (problem) throw new OmnilaneError('API_ERR_VALIDATION', problem);
    const passwordHash = await hashPassword(password);
    return this.changeUser(idOrName, (u) => ({ ...u, passwordHash, sessionEpoch: u.sessionEpoch + 1 }));
  }

  /** Changes role, roster link, teams, name or the disabled flag; a role change or disable ends the sessions. */
  async updateUser(
    idOrName: string,
    patch: { name?: string; role?: UserRole; agentId?: string | null; teams?: string[] | null; disabled?: boolean },
  ): Promise<UserView> {
    if (patch.role !== undefined && !(USER_ROLES as readonly string[]).includes(patch.role))
      throw new OmnilaneError('API_ERR_VALIDATION', `role must be one of ${USER_ROLES.join(', ')}`);
    return this.changeUser(idOrName, (u) => {
      const next = { ...u, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
      const narrowed = (patch.role !== undefined && patch.role !== u.role) || (patch.disabled === true && !u.disabled);
      return narrowed ? { ...next, sessionEpoch: u.sessionEpoch + 1 } : next;
    });
  }

  /** Ends every session of one user (or of everybody: incident response). */
  async endSessions(idOrName?: string): Promise<number> {
    const want = idOrName?.toLowerCase();
    return this.o.store.update((s) => {
      let n = 0;
      const users = s.users.map((u) =>
        idOrName === undefined || u.id === idOrName || u.username === want ? (n++, { ...u, sessionEpoch: u.sessionEpoch + 1 }) : u,
      );
      if (idOrName !== undefined && n === 0) throw new OmnilaneError('API_ERR_NOT_FOUND', `no user ${idOrName}`);
      return { state: { ...s, users }, result: n };
    });
  }

  // ---- sessions ----

  /** Checks a password; a new session on success, null otherwise (unknown user, wrong password, disabled). */
  async signIn(username: string, password: string): Promise<{ id: string; session: Session; user: UserView } | null> {
    const want = username.trim().toLowerCase();
    const u = (await this.o.store.read()).users.find((x) => x.username === want);
    if (!u || u.disabled) {
      dummyHash ??= hashPassword(generateSecret());
      await verifyPassword(await dummyHash, password);
      return null;
    }
    if (!(await verifyPassword(u.passwordHash, password))) return null;
    const id = generateSecret(32);
    const now = this.o.clock.now();
    const session: StoredSession = { userId: u.id, csrf: generateSecret(), createdAt: now, expiresAt: now + this.ttlMs, epoch: u.sessionEpoch };
    await this.o.sessions.set(SESSION_PREFIX + secretHash(id), JSON.stringify(session), this.ttlMs);
    const { epoch: _e, ...pub } = session;
    return { id, session: pub, user: userView(u) };
  }

  /** The session and its principal for a session cookie, or null (unknown, expired, ended, user disabled). */
  async session(id: string): Promise<{ session: Session; principal: Principal } | null> {
    const raw = await this.o.sessions.get(SESSION_PREFIX + secretHash(id));
    if (!raw) return null;
    const s = JSON.parse(raw) as StoredSession;
    const u = (await this.indexed()).byId.get(s.userId);
    if (!u || u.disabled || u.sessionEpoch !== s.epoch || s.expiresAt <= this.o.clock.now()) return null;
    const { epoch: _e, ...pub } = s;
    return { session: pub, principal: this.principalOfUser(u, 'user') };
  }

  async signOut(id: string): Promise<void> {
    await this.o.sessions.del([SESSION_PREFIX + secretHash(id)]);
  }

  // ---- keys ----

  async listKeys(): Promise<KeyView[]> {
    return (await this.o.store.read()).keys.map(keyView);
  }

  /** A new key; the secret is returned once and never stored. A personal key (`user`) takes that user's role. */
  async createKey(input: { name: string; role?: Role; user?: string; id?: string; secret?: string }): Promise<{ key: KeyView; secret: string }> {
    const secret = input.secret ?? `omk_${generateSecret()}`;
    const now = this.o.clock.now();
    return this.o.store.update((s) => {
      let userId: string | null = null;
      let role = input.role ? roleOf(input.role) : null;
      if (input.user !== undefined) {
        const want = input.user.toLowerCase();
        const u = s.users.find((x) => x.id === input.user || x.username === want);
        if (!u) throw new OmnilaneError('API_ERR_NOT_FOUND', `no user ${input.user}`);
        userId = u.id;
        role = u.role;
      }
      if (!role) throw new OmnilaneError('API_ERR_VALIDATION', 'give a role (ingest, analyst, agent, manager, admin) or a user');
      const id = input.id ?? newId('key');
      if (s.keys.some((k) => k.id === id && k.revokedAt === null)) throw new OmnilaneError('API_ERR_CONFLICT', `key ${id} exists`);
      const key: KeyRecord = { id, name: input.name, role, userId, agentId: null, hash: secretHash(secret), createdAt: now, rotatedAt: null, revokedAt: null };
      return { state: { ...s, keys: [...s.keys.filter((k) => k.id !== id), key] }, result: { key: keyView(key), secret } };
    });
  }

  /** A new secret for a key; the old one stops working at once. */
  async rotateKey(id: string): Promise<{ key: KeyView; secret: string }> {
    const secret = `omk_${generateSecret()}`;
    const now = this.o.clock.now();
    return this.o.store.update((s) => {
      const i = s.keys.findIndex((k) => k.id === id && k.revokedAt === null);
      if (i < 0) throw new OmnilaneError('API_ERR_NOT_FOUND', `no active key ${id}`);
      const keys = [...s.keys];
      keys[i] = { ...keys[i], hash: secretHash(secret), rotatedAt: now };
      return { state: { ...s, keys }, result: { key: keyView(keys[i]), secret } };
    });
  }

  /** Revokes a key (kept, marked revoked, for the record); `all` revokes every key (incident response). */
  async revokeKey(id: string | { all: true }): Promise<KeyView[]> {
    const now = this.o.clock.now();
    return this.o.store.update((s) => {
      const hit = (k: KeyRecord) => k.revokedAt === null && (typeof id !== 'string' || k.id === id);
      const keys = s.keys.map((k) => (hit(k) ? { ...k, revokedAt: now } : k));
      const revoked = keys.filter((k, i) => k !== s.keys[i]).map(keyView);
      if (typeof id === 'string' && revoked.length === 0) throw new OmnilaneError('API_ERR_NOT_FOUND', `no active key ${id}`);
      return { state: { ...s, keys }, result: revoked };
    });
  }

  /**
   * Stores a key whose secret was chosen outside (OMNILANE_INGEST_KEY, OMNILANE_ADMIN_KEY, a migrated
   * plaintext key): only its hash, under `id`, replacing an older secret of that id.
   */
  async putKey(input: { id: string; name: string; role: Role; secret: string; agentId?: string | null }): Promise<void> {
    const hash = secretHash(input.secret);
    const now = this.o.clock.now();
    await this.o.store.update((s) => {
      const prev = s.keys.find((k) => k.id === input.id);
      if (prev && prev.hash === hash && prev.role === input.role && prev.revokedAt === null) return { state: s, result: undefined };
      const key: KeyRecord = {
        id: input.id,
        name: input.name,
        role: input.role,
        userId: null,
        agentId: input.agentId ?? null,
        hash,
        createdAt: prev?.createdAt ?? now,
        rotatedAt: prev ? now : null,
        revokedAt: null,
      };
      return { state: { ...s, keys: [...s.keys.filter((k) => k.id !== input.id), key] }, result: undefined };
    });
  }
}
