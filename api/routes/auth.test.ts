import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../shared/clock.js';
import { MemoryStateStore } from '../../stream/state/memory-state-store.js';
import { DuckDbWarehouse } from '../../warehouse/duckdb/duckdb-warehouse.js';
import { buildTestApp } from '../../test/support/app.js';
import { readPasswords } from '../../test/support/omnilane.js';
import { bootstrapAccess } from '../auth/access-bootstrap.js';
import { AccessService } from '../auth/access-service.js';
import { FileAccessStore } from '../auth/access-store.js';

/**
 * People sign in with a password (argon2id) and get an HttpOnly, SameSite=Strict session cookie plus a CSRF token;
 * machine keys are stored as hashes and created, rotated and revoked without a restart. The store is the
 * embedded one: a 0600 file under DATA_DIR that the CLI may change under a running server.
 */
describe('sign-in, sessions, CSRF and hashed keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'omnilane-auth-'));
  const path = join(dir, 'access.json');
  let warehouse: DuckDbWarehouse;
  let app: FastifyInstance;
  let access: AccessService;
  let passwords: Map<string, string>;
  const legacySecret = 'legacy-plaintext-admin-secret';

  beforeAll(async () => {
    // An install from before: keys in plaintext in keys.json (an analyst under its old name, viewer).
    writeFileSync(
      join(dir, 'keys.json'),
      JSON.stringify({
        keys: [
          { id: 'admin-default', role: 'admin', secret: legacySecret },
          { id: 'bi', role: 'viewer', secret: 'legacy-viewer-secret' },
        ],
      }),
    );
    access = new AccessService({ store: new FileAccessStore(path), sessions: new MemoryStateStore({ clock: systemClock }), clock: systemClock });
    const boot = await bootstrapAccess(access, {
      legacyKeysPath: join(dir, 'keys.json'),
      credentialsPath: join(dir, 'credentials.txt'),
      roster: [{ id: 'ag_wang', name: '王芳 Wang Fang', role: 'agent' }],
    });
    expect(boot.migrated).toBe(2);
    expect(boot.generated).toEqual(['key:ingest-default', 'user:admin', 'user:ag_wang']);
    passwords = readPasswords(boot.credentialsPath);
    warehouse = await DuckDbWarehouse.open(':memory:');
    await warehouse.migrate();
    app = await buildTestApp({ warehouse, clock: systemClock, access });
  });
  afterAll(async () => {
    await app?.close();
    await warehouse?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const signIn = async (username: string, password: string) => app.inject({ method: 'POST', url: '/v1/auth/sign-in', payload: { username, password } });
  const cookieOf = (r: { cookies: Array<{ name: string; value: string }> }) =>
    `omnilane_session=${r.cookies.find((c) => c.name === 'omnilane_session')!.value}`;

  it('migrates the plaintext keys.json to hashes in a 0600 file, and writes generated secrets to a 0600 file', async () => {
    expect(existsSync(join(dir, 'keys.json'))).toBe(false);
    const stored = readFileSync(path, 'utf8');
    expect(stored).not.toContain(legacySecret);
    expect(stored).not.toContain(passwords.get('admin')!);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'credentials.txt')).mode & 0o777).toBe(0o600);
    expect((await app.inject({ method: 'GET', url: '/v1/admin/users', headers: { authorization: `Bearer ${legacySecret}` } })).statusCode).toBe(200);
    expect((await access.listKeys()).find((k) => k.id === 'bi')?.role).toBe('analyst');
  });

  it('signs in with a password: HttpOnly SameSite=Strict cookie (not Secure over http), one answer for any failure', async () => {
    const ok = await signIn('ADMIN', passwords.get('admin')!);
    expect(ok.statusCode).toBe(200);
    const cookie = ok.cookies.find((c) => c.name === 'omnilane_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookie.secure).toBeFalsy();
    expect(ok.json()).toMatchObject({ user: { username: 'admin', role: 'admin' }, csrf_token: expect.any(String) });
    for (const [u, p] of [
      ['admin', 'wrong-password-123'],
      ['nobody', 'wrong-password-123'],
    ]) {
      const r = await signIn(u, p);
      expect([r.statusCode, r.json().code, r.cookies.length]).toEqual([401, 'API_ERR_SIGN_IN_FAILED', 0]);
    }
  });

  it('a cookie session reads freely but must send its CSRF token on every state-changing request', async () => {
    const r = await signIn('admin', passwords.get('admin')!);
    const cookie = cookieOf(r);
    const csrf = r.json().csrf_token as string;
    expect((await app.inject({ method: 'GET', url: '/v1/auth/session', headers: { cookie } })).json()).toMatchObject({
      kind: 'user',
      role: 'admin',
      csrf_token: csrf,
    });
    const body = { name: 'bi tool', role: 'analyst' };
    const noToken = await app.inject({ method: 'POST', url: '/v1/admin/keys', headers: { cookie }, payload: body });
    expect([noToken.statusCode, noToken.json().code]).toEqual([403, 'API_ERR_CSRF']);
    expect((await app.inject({ method: 'POST', url: '/v1/admin/keys', headers: { cookie, 'x-csrf-token': 'guess' }, payload: body })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/v1/admin/keys', headers: { cookie, 'x-csrf-token': csrf }, payload: body })).statusCode).toBe(201);
    // Sign-out ends the session on the server, not only the cookie.
    expect((await app.inject({ method: 'POST', url: '/v1/auth/sign-out', headers: { cookie, 'x-csrf-token': csrf } })).statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: '/v1/auth/session', headers: { cookie } })).statusCode).toBe(401);
  });

  it('creates, rotates and revokes keys at run time; the CLI’s file change is seen without a restart', async () => {
    const created = (
      await app.inject({
        method: 'POST',
        url: '/v1/admin/keys',
        headers: { authorization: `Bearer ${legacySecret}` },
        payload: { name: 'crm sync', role: 'ingest' },
      })
    ).json<{ key: { id: string }; secret: string }>();
    expect(readFileSync(path, 'utf8')).not.toContain(created.secret);
    const asKey = (secret: string) => app.inject({ method: 'GET', url: '/v1/auth/session', headers: { authorization: `Bearer ${secret}` } });
    expect((await asKey(created.secret)).json()).toMatchObject({ kind: 'key', role: 'ingest', key_id: created.key.id });
    const rotated = (
      await app.inject({ method: 'POST', url: `/v1/admin/keys/${created.key.id}/rotate`, headers: { authorization: `Bearer ${legacySecret}` } })
    ).json<{ secret: string }>();
    expect((await asKey(created.secret)).statusCode).toBe(401);
    expect((await asKey(rotated.secret)).statusCode).toBe(200);
    // Another process (omnilane keys revoke) changes the file: this app refuses the key on its next request.
    const cli = new AccessService({ store: new FileAccessStore(path), sessions: new MemoryStateStore({ clock: systemClock }), clock: systemClock });
    await cli.revokeKey(created.key.id);
    expect((await asKey(rotated.secret)).statusCode).toBe(401);
  });

  it('disabling a user or changing their password ends their sessions', async () => {
    const r = await signIn('ag_wang', passwords.get('ag_wang')!);
    const cookie = cookieOf(r);
    expect((await app.inject({ method: 'GET', url: '/v1/auth/session', headers: { cookie } })).json()).toMatchObject({
      role: 'agent',
      user: { agent_id: 'ag_wang' },
    });
    await access.updateUser('ag_wang', { disabled: true });
    expect((await app.inject({ method: 'GET', url: '/v1/auth/session', headers: { cookie } })).statusCode).toBe(401);
    expect((await signIn('ag_wang', passwords.get('ag_wang')!)).statusCode).toBe(401);
    await access.updateUser('ag_wang', { disabled: false });
    const again = cookieOf(await signIn('ag_wang', passwords.get('ag_wang')!));
    await access.setPassword('ag_wang', 'a-brand-new-password');
    expect((await app.inject({ method: 'GET', url: '/v1/auth/session', headers: { cookie: again } })).statusCode).toBe(401);
    expect((await signIn('ag_wang', 'a-brand-new-password')).statusCode).toBe(200);
  });
});
