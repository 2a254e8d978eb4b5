import { resolve } from 'node:path';
import { OmnilaneError } from './errors.js';

/**
 * All configuration, read from the environment in one place, validated at
 * start (a bad value names its variable) and frozen. Modules get the slice
 * they need, never `process.env`.
 */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  logLevel: string;
  ingestKey?: string;
  adminKey?: string;
  busPartitions: number;
  dedupTtlMs: number;
  stateTtlMs: number;
  fsync: boolean;
  demoRate: number;
  attributionIntervalMs: number;
  attributionLookbackDays: number;
  kafkaBrokers?: string[];
  redisUrl?: string;
  clickhouseUrl?: string;
  /**
   * Prefix for everything Omnilane names on shared engines: Kafka topics and
   * consumer groups (`<ns>.`) and Redis keys (`<ns>:`), so several
   * deployments or test runs can share one Kafka and one Redis. The ClickHouse
   * database is chosen by CLICKHOUSE_URL's path.
   */
  namespace?: string;
}

type Env = Record<string, string | undefined>;

function fail(name: string, why: string): never {
  throw new OmnilaneError('CFG_ERR_INVALID', `${name}: ${why}`);
}

function int(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (!/^\d+$/.test(raw.trim())) fail(name, `must be an integer, got ${JSON.stringify(raw)}`);
  const n = Number(raw);
  if (n < min || n > max) fail(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function bool(env: Env, name: string, def: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  return fail(name, `must be true or false, got ${JSON.stringify(raw)}`);
}

function key(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^[A-Za-z0-9._~-]{16,256}$/.test(raw)) fail(name, 'must be 16 to 256 characters of A-Z a-z 0-9 . _ ~ -');
  return raw;
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return fail(name, `is not a URL: ${JSON.stringify(raw)}`);
  }
  if (!protocols.includes(u.protocol)) fail(name, `must start with ${protocols.join(' or ')}`);
  return raw;
}

function namespace(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(raw)) fail(name, 'must be 1 to 64 characters of A-Z a-z 0-9 _ -');
  return raw;
}

/** Reads and validates the configuration; throws CFG_ERR_INVALID naming the variable. */
export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Readonly<Config> {
  const host = env.HOST ?? '127.0.0.1';
  if (!/^[\w.:-]+$/.test(host)) fail('HOST', `is not a host name or address: ${JSON.stringify(host)}`);
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) fail('LOG_LEVEL', 'must be one of fatal, error, warn, info, debug, trace, silent');
  const brokers = env.KAFKA_BROKERS?.trim();
  if (brokers && !brokers.split(',').every((b) => /^[\w.-]+:\d{1,5}$/.test(b.trim()))) fail('KAFKA_BROKERS', 'must be host:port[,host:port…]');
  const cfg: Config = {
    port: int(env, 'PORT', 8080, 0, 65535),
    host,
    dataDir: resolve(env.DATA_DIR ?? 'data'),
    logLevel,
    ingestKey: key(env, 'OMNILANE_INGEST_KEY'),
    adminKey: key(env, 'OMNILANE_ADMIN_KEY'),
    busPartitions: int(env, 'BUS_PARTITIONS', 4, 1, 256),
    dedupTtlMs: int(env, 'DEDUP_TTL_HOURS', 168, 1, 24 * 400) * 3600_000,
    stateTtlMs: int(env, 'STATE_TTL_DAYS', 40, 1, 3650) * 86_400_000,
    fsync: bool(env, 'OMNILANE_FSYNC', false),
    demoRate: int(env, 'DEMO_RATE', 20, 1, 100_000),
    attributionIntervalMs: int(env, 'ATTRIBUTION_INTERVAL_S', 60, 1, 86_400) * 1000,
    attributionLookbackDays: int(env, 'ATTRIBUTION_LOOKBACK_DAYS', 30, 1, 365),
    kafkaBrokers: brokers ? brokers.split(',').map((b) => b.trim()) : undefined,
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    clickhouseUrl: url(env, 'CLICKHOUSE_URL', ['http:', 'https:']),
    namespace: namespace(env, 'OMNILANE_NAMESPACE'),
    ...overrides,
  };
  return Object.freeze(cfg);
}
