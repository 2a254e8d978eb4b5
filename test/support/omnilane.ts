import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSecret } from '../../api/auth/secrets.js';
import { startOmnilane, type RunningOmnilane } from '../../cli/runtime.js';
import { loadConfig } from '../../shared/config.js';
import { silentLogger } from '../../shared/logger.js';
import { expect } from 'vitest';

export interface TestOmnilane extends RunningOmnilane {
  dataDir: string;
  ingestKey: string;
  adminKey: string;
  /** Generated passwords by username, read from DATA_DIR/credentials.txt (what a person does after `npm start`). */
  passwords(): Map<string, string>;
  /** A personal key acting as this user (e.g. a roster member `ag_wang`), for API calls in tests. */
  keyFor(username: string): Promise<string>;
  /** A personal key per roster member: `{ id: <roster id>, secret }`. */
  rosterKeys(): Promise<Array<{ id: string; secret: string }>>;
  /** An admin key that writes as roster member `agentId` (tests replying as a named agent outside routing). */
  actingKey(agentId: string): Promise<string>;
  /** The username a key from keyFor / rosterKeys acts as. */
  userOfKey(secret: string): string;
  post(path: string, body: unknown, key?: string, headers?: Record<string, string>): Promise<Response>;
  get(path: string, key?: string): Promise<Response>;
  /** Waits until the stream worker has caught up with the bus. */
  drained(timeoutMs?: number): Promise<void>;
  cleanup(): Promise<void>;
}

/** Starts a whole embedded Omnilane on a free port with a fresh data dir. */
export async function startTestOmnilane(env: Record<string, string> = {}, opts: { demo?: boolean; dataDir?: string } = {}): Promise<TestOmnilane> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'omnilane-test-'));
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', ...env });
  const running = await startOmnilane({ config, demo: opts.demo, log: silentLogger() });
  // The machine keys keep their ids when a test starts again on the same DATA_DIR (a new secret each start): the
  // ingest key's id is the producer of what it posts, and ingest and the worker dedupe per producer and event id.
  const machineKey = async (id: string, name: string, role: 'ingest' | 'admin') => {
    const secret = `omk_${generateSecret()}`;
    await running.access.putKey({ id, name, role, secret });
    return secret;
  };
  const ingestKey = await machineKey('test-ingest', 'test ingest', 'ingest');
  const adminKey = await machineKey('test-admin', 'test admin', 'admin');
  const owners = new Map<string, string>();
  const keyFor = async (username: string) => {
    const { secret } = await running.access.createKey({ name: `test key of ${username}`, user: username });
    owners.set(secret, username.toLowerCase());
    return secret;
  };
  return {
    ...running,
    dataDir,
    ingestKey,
    adminKey,
    passwords: () => readPasswords(join(dataDir, 'credentials.txt')),
    keyFor,
    rosterKeys: async () => Promise.all((running.routing?.desk.roster.agents ?? []).map(async (a) => ({ id: a.id, secret: await keyFor(a.id) }))),
    userOfKey: (secret) => owners.get(secret)!,
    async actingKey(agentId) {
      const username = `as-${agentId.toLowerCase().replace(/[^a-z0-9_.@-]/g, '-')}`;
      if (!(await running.access.findUser(username))) {
        await running.access.addUser({ username, role: 'admin', agentId, password: `test-password-${agentId}` }).catch((err: { code?: string }) => {
          if (err.code !== 'API_ERR_CONFLICT') throw err;
        });
      }
      return keyFor(username);
    },
    post: (path, body, key = ingestKey, headers = {}) =>
      fetch(running.url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    get: (path, key = adminKey) => fetch(running.url + path, { headers: key ? { authorization: `Bearer ${key}` } : {} }),
    async drained(timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      while ((await running.worker.lag()) > 0) {
        if (Date.now() > until) throw new Error('stream worker did not catch up');
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async cleanup() {
      await running.stop();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `user NAME (…): PASSWORD` lines of a credentials file. */
export function readPasswords(path: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(path)) return out;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^user (\S+) \([^)]*\): (\S+)$/.exec(line);
    if (m) out.set(m[1], m[2]);
  }
  return out;
}

/** An API call to the Omnilane at `url` as the holder of `key`; fails the test (naming the call and the answer) unless 2xx. */
export async function callOk(url: string, key: string, method: string, path: string, body?: unknown): Promise<Record<string, any>> {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json().catch(() => null)) as Record<string, any>;
  expect(res.status, `${method} ${path} → ${res.status} ${JSON.stringify(json)}`).toBeLessThan(300);
  return json;
}

/** Every roster member's personal key, with what GET /v1/console/me says of the member. */
export async function rosterMembers(om: TestOmnilane): Promise<Array<{ key: string; agent: { id: string; role: string; groups: string[] } }>> {
  const keys = await om.rosterKeys();
  return Promise.all(
    keys.map(async (k) => ({
      key: k.secret,
      agent: (await callOk(om.url, k.secret, 'GET', '/v1/console/me')).agent as { id: string; role: string; groups: string[] },
    })),
  );
}
