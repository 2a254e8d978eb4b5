import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AccessService } from '../api/auth/access-service.js';
import { FileAccessStore } from '../api/auth/access-store.js';
import { systemClock } from '../shared/clock.js';
import { loadConfig } from '../shared/config.js';
import { MemoryStateStore } from '../stream/state/memory-state-store.js';
import { keysCommand, securityCommand, usersCommand } from './access-command.js';

/** `omnilane users …` and `omnilane keys …` on the embedded store (DATA_DIR/access.json), as a running server reads it. */
describe('omnilane users | keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'omnilane-access-cli-'));
  const cfg = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent' });
  const out: string[] = [];
  const io = { stdout: (s: string) => void out.push(s), stdin: async () => 'a-password-from-stdin\n' };
  const server = new AccessService({
    store: new FileAccessStore(join(dir, 'access.json')),
    sessions: new MemoryStateStore({ clock: systemClock }),
    clock: systemClock,
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const last = () => out[out.length - 1];

  it('adds, lists, changes the password of and disables a user; the file is 0600 and holds no password', async () => {
    expect(await usersCommand(['add', 'Lin', '--role', 'manager', '--agent', 'mgr_lin', '--display', '林经理'], cfg, io)).toBe(0);
    const generated = /password \(shown once\): (\S+)/.exec(last())![1];
    expect(await server.signIn('lin', generated)).not.toBeNull();
    expect(statSync(join(dir, 'access.json')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'access.json'), 'utf8')).not.toContain(generated);
    expect(await usersCommand(['passwd', 'lin', '--password-stdin'], cfg, io)).toBe(0);
    expect(await server.signIn('lin', 'a-password-from-stdin')).not.toBeNull();
    expect(await usersCommand(['disable', 'lin'], cfg, io)).toBe(0);
    expect(await server.signIn('lin', 'a-password-from-stdin')).toBeNull();
    expect(await usersCommand(['list'], cfg, io)).toBe(0);
    expect(last()).toMatch(/lin\tmanager\tmgr_lin\tdisabled\t林经理/);
    expect(await usersCommand(['add', 'x', '--role', 'boss'], cfg, io).catch((e: { code: string }) => e.code)).toBe('API_ERR_VALIDATION');
  });

  it('creates, rotates and revokes keys; the running server sees each change', async () => {
    expect(await keysCommand(['create', '--name', 'CRM sync', '--role', 'ingest'], cfg, io)).toBe(0);
    const id = /created (\S+)/.exec(last())![1];
    const first = /secret \(shown once\): (\S+)/.exec(last())![1];
    expect(await server.authenticateKey(first)).toMatchObject({ role: 'ingest', keyId: id });
    expect(await keysCommand(['rotate', id], cfg, io)).toBe(0);
    const second = /secret \(shown once\): (\S+)/.exec(last())![1];
    expect(await server.authenticateKey(first)).toBeNull();
    expect(await server.authenticateKey(second)).not.toBeNull();
    expect(await keysCommand(['revoke', id], cfg, io)).toBe(0);
    expect(await server.authenticateKey(second)).toBeNull();
    expect(readFileSync(join(dir, 'access.json'), 'utf8')).not.toContain(second);
  });

  it('security revoke-all ends every session and revokes every key, seen by the running server at once', async () => {
    expect(await usersCommand(['add', 'wang', '--role', 'agent', '--password-stdin'], cfg, io)).toBe(0);
    const signedIn = await server.signIn('wang', 'a-password-from-stdin');
    expect(signedIn).not.toBeNull();
    expect(await server.session(signedIn!.id)).not.toBeNull();
    expect(await keysCommand(['create', '--name', 'warehouse sync', '--role', 'ingest'], cfg, io)).toBe(0);
    const secret = /secret \(shown once\): (\S+)/.exec(last())![1];
    expect(await securityCommand(['revoke-all'], cfg, io)).toBe(0);
    expect(last()).toMatch(/revoked \d+ key\(s\)/);
    expect(await server.session(signedIn!.id)).toBeNull();
    expect(await server.authenticateKey(secret)).toBeNull();
    expect(await securityCommand(['revoke-everything'], cfg, io)).toBe(2);
  });
});
