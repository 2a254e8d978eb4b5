import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../shared/paths.js';
import { sleep } from './private-stack.js';

/**
 * One `omnilane <role>` child process, supervised like a container with a restart policy: when it exits
 * without being told to, the exit is recorded (the suite reports it) and it is started again after a second.
 */
export class OmnilaneProcess {
  proc?: ChildProcess;
  /** unexpected exits: "code 1 at 12.3 s" */
  readonly crashes: string[] = [];
  private stopping = false;
  private readonly log: WriteStream;
  private readonly t0 = Date.now();

  constructor(
    readonly role: string,
    private readonly env: Record<string, string>,
    logFile: string,
    private readonly healthUrl?: string,
  ) {
    this.log = createWriteStream(logFile, { flags: 'a' });
  }

  /** Starts the process; with a health URL, waits until it answers 200. */
  async start(): Promise<void> {
    this.stopping = false;
    const proc = spawn(process.execPath, [join(projectRoot(), 'bin', 'omnilane.js'), this.role], {
      cwd: projectRoot(),
      env: { ...process.env, OMNILANE_FROM_SOURCE: '1', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    this.log.write(`\n--- ${new Date().toISOString()} start ${this.role} pid ${proc.pid}\n`);
    proc.stdout.pipe(this.log, { end: false });
    proc.stderr.pipe(this.log, { end: false });
    proc.once('exit', (code, signal) => {
      this.log.write(`--- ${new Date().toISOString()} ${this.role} pid ${proc.pid} exited code ${code} signal ${signal}\n`);
      if (this.proc !== proc || this.stopping) return;
      this.crashes.push(`${this.role} exited (code ${code}, signal ${signal}) at ${((Date.now() - this.t0) / 1000).toFixed(1)} s`);
      this.proc = undefined;
      setTimeout(() => {
        if (!this.stopping && !this.proc) void this.start().catch((e) => this.crashes.push(`restart failed: ${(e as Error).message}`));
      }, 1000);
    });
    if (!this.healthUrl) return;
    const until = Date.now() + 90_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`omnilane ${this.role} exited with ${proc.exitCode} during start-up (log: ${String(this.log.path)})`);
      try {
        if ((await fetch(this.healthUrl, { signal: AbortSignal.timeout(2000) })).status === 200) return;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > until) throw new Error(`omnilane ${this.role} did not answer ${this.healthUrl} (log: ${String(this.log.path)})`);
      await sleep(100);
    }
  }

  /** SIGKILL, as a crash would; waits for the exit. Not restarted until `start()`. */
  async kill9(): Promise<void> {
    const proc = this.proc;
    if (!proc) throw new Error(`${this.role} is not running`);
    this.stopping = true;
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.kill('SIGKILL');
    await exited;
    this.proc = undefined;
  }

  /** SIGTERM (drain), then SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    const proc = this.proc;
    this.proc = undefined;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(t);
    }
    this.log.end();
  }
}
