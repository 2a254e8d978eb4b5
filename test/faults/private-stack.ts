import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../shared/paths.js';
import { freePort } from '../support/child-process.js';

const run = promisify(execFile);

export type Engine = 'kafka' | 'redis' | 'clickhouse';

/** What must appear in /proc/PID/cmdline, as scripts/stack.sh checks it, so a recycled pid is never signalled. */
const MARKER: Record<Engine, (dir: string) => string> = {
  kafka: (dir) => `${dir}/kafka/server.properties`,
  clickhouse: (dir) => `--path=${dir}/clickhouse/data/`,
  redis: () => 'redis-server',
};

/**
 * Kafka, Redis and ClickHouse of the fault suite alone: scripts/stack.sh with
 * its own stack dir and free loopback ports, so killing an engine never touches
 * the shared stack (19092/16379/18123) that other suites use.
 */
export class PrivateStack {
  private constructor(
    readonly dir: string,
    readonly ports: { kafka: number; kafkaController: number; chHttp: number; chTcp: number; chInterserver: number; redis: number },
  ) {}

  static async create(dir: string): Promise<PrivateStack> {
    const ports = {
      kafka: await freePort(),
      kafkaController: await freePort(),
      chHttp: await freePort(),
      chTcp: await freePort(),
      chInterserver: await freePort(),
      redis: await freePort(),
    };
    return new PrivateStack(dir, ports);
  }

  get kafkaBrokers(): string {
    return `127.0.0.1:${this.ports.kafka}`;
  }
  get redisUrl(): string {
    return `redis://127.0.0.1:${this.ports.redis}`;
  }
  get clickhouseUrl(): string {
    return `http://127.0.0.1:${this.ports.chHttp}`;
  }

  private env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      OMNILANE_STACK_DIR: this.dir,
      OMNILANE_KAFKA_PORT: String(this.ports.kafka),
      OMNILANE_KAFKA_CONTROLLER_PORT: String(this.ports.kafkaController),
      OMNILANE_CLICKHOUSE_HTTP_PORT: String(this.ports.chHttp),
      OMNILANE_CLICKHOUSE_TCP_PORT: String(this.ports.chTcp),
      OMNILANE_CLICKHOUSE_INTERSERVER_PORT: String(this.ports.chInterserver),
      OMNILANE_REDIS_PORT: String(this.ports.redis),
    };
  }

  /** `scripts/stack.sh <args>` for this stack; throws with the script's stderr when it fails. */
  async stack(args: string[], extraEnv: Record<string, string> = {}): Promise<string> {
    try {
      const { stderr } = await run('bash', [join(projectRoot(), 'scripts', 'stack.sh'), ...args], {
        env: { ...this.env(), ...extraEnv },
        timeout: 300_000,
        maxBuffer: 16 << 20,
      });
      return stderr;
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`scripts/stack.sh ${args.join(' ')} failed: ${e.stderr || e.message}`, { cause: err });
    }
  }

  /** Starts the engines (the first call may install packages / fetch the Kafka jars). */
  async up(engines: Engine[] = [], skipSystemDeps = true): Promise<string> {
    return this.stack(['up', ...engines], skipSystemDeps ? { OMNILANE_SKIP_SYSTEM_DEPS: '1' } : {});
  }

  async down(purge = false): Promise<void> {
    await this.stack(['down', ...(purge ? ['--purge'] : [])]);
  }

  /** The pid scripts/stack.sh recorded for the engine, checked against its command line. */
  pid(engine: Engine): number {
    const file = join(this.dir, engine, `${engine}.pid`);
    if (!existsSync(file)) throw new Error(`${engine}: no pid file ${file}`);
    const pid = Number(readFileSync(file, 'utf8').trim());
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    if (!cmdline.includes(MARKER[engine](this.dir))) throw new Error(`${engine}: pid ${pid} is not this stack's ${engine} (${cmdline.slice(0, 120)})`);
    return pid;
  }

  /** SIGKILL the engine and wait until the process is gone. */
  async kill9(engine: Engine): Promise<number> {
    const pid = this.pid(engine);
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 100 && alive(pid); i++) await sleep(50);
    if (alive(pid)) throw new Error(`${engine} (pid ${pid}) survived SIGKILL`);
    return pid;
  }

  /** SIGSTOP / SIGCONT: the process keeps its sockets open but answers nothing (a frozen server). */
  signal(engine: Engine, sig: 'SIGSTOP' | 'SIGCONT'): number {
    const pid = this.pid(engine);
    process.kill(pid, sig);
    return pid;
  }

  /** FLUSHALL on this stack's Redis. */
  async flushRedis(): Promise<void> {
    const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(this.ports.redis), 'FLUSHALL'], { timeout: 10_000 });
    if (stdout.trim() !== 'OK') throw new Error(`redis FLUSHALL answered ${stdout}`);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie (killed, not yet reaped by its parent) still answers kill 0; it serves nothing.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
