import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, expect, it } from 'vitest';
import { manualClock } from '../../shared/clock.js';
import { MemoryStateStore } from './memory-state-store.js';

const dir = mkdtempSync(join(tmpdir(), 'omnilane-state-sigterm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('SIGTERM during a background rewrite shuts the process down promptly and leaves a complete journal', async () => {
  const path = join(dir, 'state.journal');
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'sigterm-during-rewrite.fixture.ts'), path], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('rewriting')) resolve();
    });
    child.on('exit', () => reject(new Error(`child exited early: ${err}`)));
  });
  expect(existsSync(`${path}.rewrite`)).toBe(true);
  const t0 = performance.now();
  child.kill('SIGTERM');
  const code = await exited;
  const ms = performance.now() - t0;
  expect(code, err).toBe(0);
  expect(out).toContain('closed');
  expect(ms).toBeLessThan(2_000);
  expect(existsSync(`${path}.rewrite`)).toBe(false);
  const store = new MemoryStateStore({ clock: manualClock(0), journalPath: path });
  expect(store.journalStats().replayed.tornBytes).toBe(0);
  expect(store.size).toBeGreaterThanOrEqual(32 * 64);
  expect(await store.get('k:31:63')).toBe('v'.repeat(32 * 1024));
  await store.close();
});
