import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../shared/paths.js';
import { freePort, spawnOmnilane, waitForExit } from '../support/child-process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'omnilane-lock-e2e-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Runs `omnilane start` to its exit, collecting stdout and stderr. */
function runToExit(env: Record<string, string>, port: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawn(process.execPath, [join(projectRoot(), 'bin', 'omnilane.js'), 'start'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d) => (stdout += d));
  proc.stderr.on('data', (d) => (stderr += d));
  const killer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
  return waitForExit(proc).then((code) => {
    clearTimeout(killer);
    return { code, stdout, stderr };
  });
}

describe('a second omnilane start on the same DATA_DIR', () => {
  it('exits with 75 and names the running process, without a stack trace; a clean stop frees the directory', async () => {
    const env = { DATA_DIR: dataDir, OMNILANE_INGEST_KEY: 'ingest-key-for-lock-test', OMNILANE_ADMIN_KEY: 'admin-key-for-lock-test' };
    const first = await spawnOmnilane(['start'], env, await freePort());
    try {
      const second = await runToExit(env, await freePort());
      expect(second.code).toBe(75);
      expect(second.stderr).toContain('CFG_ERR_DATA_DIR_IN_USE');
      expect(second.stderr).toContain(`pid ${first.proc.pid}`);
      expect(second.stderr).toContain(dataDir);
      expect(second.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(second.stderr).not.toMatch(/duckdb|Could not set lock/i);
      expect((await fetch(`${first.url}/healthz`)).status).toBe(200); // the first one is untouched
    } finally {
      first.proc.kill('SIGTERM');
      expect(await waitForExit(first.proc)).toBe(0);
    }
    expect(existsSync(join(dataDir, 'omnilane.lock'))).toBe(false);
  });

  it('starts over a stale lock left by a killed process', async () => {
    const env = { DATA_DIR: dataDir, OMNILANE_INGEST_KEY: 'ingest-key-for-lock-test', OMNILANE_ADMIN_KEY: 'admin-key-for-lock-test' };
    const killed = await spawnOmnilane(['start'], env, await freePort());
    killed.proc.kill('SIGKILL');
    await waitForExit(killed.proc);
    expect(existsSync(join(dataDir, 'omnilane.lock'))).toBe(true);
    const next = await spawnOmnilane(['start'], env, await freePort());
    next.proc.kill('SIGTERM');
    expect(await waitForExit(next.proc)).toBe(0);
  });
});
