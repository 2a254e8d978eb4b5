import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOmnilane, type RunningOmnilane } from '../../cli/runtime.js';
import { loadConfig } from '../../shared/config.js';
import { silentLogger } from '../../shared/logger.js';

export interface TestOmnilane extends RunningOmnilane {
  dataDir: string;
  ingestKey: string;
  adminKey: string;
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
  const ingestKey = running.keys.secretFor('ingest')!;
  const adminKey = running.keys.secretFor('admin')!;
  return {
    ...running,
    dataDir,
    ingestKey,
    adminKey,
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
