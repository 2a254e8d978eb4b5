import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { projectRoot } from '../../shared/paths.js';

/** A free loopback port (bind 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface ChildOmnilane {
  proc: ChildProcess;
  url: string;
  output: () => string;
}

/** Runs `omnilane <args>` as a separate process and waits for /healthz (`nodeArgs`: e.g. `--cpu-prof`, which NODE_OPTIONS refuses). */
export async function spawnOmnilane(args: string[], env: Record<string, string>, port: number, nodeArgs: string[] = []): Promise<ChildOmnilane> {
  let out = '';
  const proc = spawn(process.execPath, [...nodeArgs, join(projectRoot(), 'bin', 'omnilane.js'), ...args], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`omnilane exited with ${proc.exitCode}: ${out}`);
    try {
      if ((await fetch(`${url}/healthz`)).status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > until) throw new Error(`omnilane did not become healthy: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { proc, url, output: () => out };
}

export function waitForExit(proc: ChildProcess): Promise<number | null> {
  return proc.exitCode !== null ? Promise.resolve(proc.exitCode) : new Promise((r) => proc.once('exit', (code) => r(code)));
}
