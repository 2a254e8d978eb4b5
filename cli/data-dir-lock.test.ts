import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, LOCK_FILE, pidAlive } from './data-dir-lock.js';

// Above Linux's largest pid_max (2^22), so no process can have it.
const DEAD_PID = 4_194_304 + 7;

const dirs: string[] = [];
const freshDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'omnilane-lock-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('data directory lock', () => {
  it('records the owner, refuses a second holder naming the first, and frees the directory on release', () => {
    const dir = freshDir();
    const lock = acquireDataDirLock(dir, ['node', 'omnilane', 'start', '--demo']);
    const owner = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
    expect(owner).toMatchObject({ pid: process.pid, command: 'omnilane start --demo' });
    let err: { code?: string; message?: string } = {};
    try {
      acquireDataDirLock(dir);
    } catch (e) {
      err = e as typeof err;
    }
    expect(err.code).toBe('CFG_ERR_DATA_DIR_IN_USE');
    expect(err.message).toContain(`pid ${process.pid}`);
    expect(err.message).toContain('omnilane start --demo');
    lock.release();
    lock.release(); // idempotent
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    acquireDataDirLock(dir).release();
  });

  it('takes over a stale lock whose process is gone, and an unreadable one', () => {
    expect(pidAlive(DEAD_PID)).toBe(false);
    expect(pidAlive(process.pid)).toBe(true);
    const dir = freshDir();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: DEAD_PID, started_at: '2026-01-01T00:00:00.000Z', command: 'omnilane start', host: 'x' }));
    const lock = acquireDataDirLock(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    lock.release();
    writeFileSync(join(dir, LOCK_FILE), '{"pid":');
    acquireDataDirLock(dir).release();
  });

  it('never removes a lock another process took after ours was released', () => {
    const dir = freshDir();
    const lock = acquireDataDirLock(dir);
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 1, started_at: '', command: 'other', host: 'x' }));
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
  });
});
