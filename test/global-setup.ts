import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { projectRoot } from '../shared/paths.js';

/**
 * Where the engine suites find Kafka, Redis and ClickHouse, plus a run id that
 * names this run's topics, Redis key prefix and ClickHouse databases so that
 * concurrent runs never collide. `errors` names each engine that could not be
 * reached; its suites then fail with that message (never skip).
 */
export interface EngineEnv {
  kafkaBrokers: string;
  redisUrl: string;
  clickhouseUrl: string;
  runId: string;
  errors: Partial<Record<EngineName, string>>;
}
export type EngineName = 'kafka' | 'redis' | 'clickhouse';

declare module 'vitest' {
  export interface ProvidedContext {
    engines: EngineEnv;
  }
}

const sh = (args: string[], inherit = false) =>
  spawnSync('bash', [join(projectRoot(), 'scripts', 'stack.sh'), ...args], {
    encoding: 'utf8',
    stdio: inherit ? ['ignore', 'inherit', 'inherit'] : 'pipe',
    timeout: 600_000,
  });

function tcp(host: string, port: number, send?: string, expect?: RegExp): Promise<string | null> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    let buf = '';
    const done = (err: string | null) => {
      s.destroy();
      resolve(err);
    };
    s.setTimeout(2000, () => done(`no answer from ${host}:${port}`));
    s.once('error', (e) => done(`${host}:${port}: ${e.message}`));
    s.once('connect', () => {
      if (!send) return done(null);
      s.write(send);
    });
    s.on('data', (d) => {
      buf += d.toString();
      if (expect && expect.test(buf)) done(null);
    });
  });
}

async function reach(env: Omit<EngineEnv, 'runId' | 'errors'>): Promise<Partial<Record<EngineName, string>>> {
  const errors: Partial<Record<EngineName, string>> = {};
  const [kh, kp] = env.kafkaBrokers.split(',')[0].split(':');
  const k = await tcp(kh, Number(kp));
  if (k) errors.kafka = k;
  const r = new URL(env.redisUrl);
  const rr = await tcp(r.hostname, Number(r.port || 6379), 'PING\r\n', /PONG/);
  if (rr) errors.redis = rr;
  try {
    const res = await fetch(new URL('/ping', env.clickhouseUrl), { signal: AbortSignal.timeout(2000) });
    if ((await res.text()).trim() !== 'Ok.') errors.clickhouse = `unexpected /ping answer from ${env.clickhouseUrl}`;
  } catch (e) {
    errors.clickhouse = `${env.clickhouseUrl}: ${(e as Error).message}`;
  }
  return errors;
}

/** Engine addresses: OMNILANE_TEST_* overrides, else what `scripts/stack.sh env` prints. */
function addresses(): Omit<EngineEnv, 'runId' | 'errors'> {
  const fromStack: Record<string, string> = {};
  const out = sh(['env']);
  for (const line of (out.stdout ?? '').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) fromStack[m[1]] = m[2];
  }
  return {
    kafkaBrokers: process.env.OMNILANE_TEST_KAFKA_BROKERS ?? fromStack.KAFKA_BROKERS ?? '127.0.0.1:19092',
    redisUrl: process.env.OMNILANE_TEST_REDIS_URL ?? fromStack.REDIS_URL ?? 'redis://127.0.0.1:16379',
    clickhouseUrl: process.env.OMNILANE_TEST_CLICKHOUSE_URL ?? fromStack.CLICKHOUSE_URL ?? 'http://127.0.0.1:18123',
  };
}

/**
 * Checks that the local engines answer and, when one does not, starts them
 * with `bash scripts/stack.sh up` (saying so). The addresses reach the tests
 * through `inject('engines')` and OMNILANE_TEST_* variables, never as
 * KAFKA_BROKERS / REDIS_URL / CLICKHOUSE_URL: those would switch embedded
 * suites that spawn Omnilane with this environment over to the servers.
 */
export default async function setup(project: TestProject): Promise<void> {
  const env = addresses();
  let errors = await reach(env);
  if (Object.keys(errors).length > 0) {
    const missing = Object.keys(errors).join(', ');
    process.stderr.write(`\n[omnilane tests] ${missing} not reachable: running \`bash scripts/stack.sh up\` to start the local engines\n`);
    const up = sh(['up'], true);
    errors = await reach(env);
    if (up.status !== 0 || Object.keys(errors).length > 0) {
      for (const [engine, why] of Object.entries(errors)) {
        errors[engine as EngineName] =
          `${engine} is not reachable (${why}) and \`bash scripts/stack.sh up\` ${up.status === 0 ? 'did not bring it up' : `failed with exit code ${up.status}`}`;
      }
      process.stderr.write(`[omnilane tests] engine suites will FAIL: ${Object.values(errors).join('; ')}\n`);
    }
  }
  const runId = `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  project.provide('engines', { ...env, runId, errors });
  process.env.OMNILANE_TEST_KAFKA_BROKERS = env.kafkaBrokers;
  process.env.OMNILANE_TEST_REDIS_URL = env.redisUrl;
  process.env.OMNILANE_TEST_CLICKHOUSE_URL = env.clickhouseUrl;
  process.env.OMNILANE_TEST_RUN_ID = runId;
}
