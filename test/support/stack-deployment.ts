import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../shared/config.js';
import { STREAM_GROUP, TOPICS } from '../../shared/topics.js';
import { KafkaBus } from '../../stream/bus/kafka-bus.js';
import { RedisStateStore } from '../../stream/state/redis-state-store.js';
import { ClickHouseWarehouse } from '../../warehouse/clickhouse/clickhouse-warehouse.js';
import { requireEngine, uniqueName } from '../contracts/engines.js';

export const STACK_INGEST_KEY = 'stack-e2e-ingest-key-0123456789';
export const STACK_ADMIN_KEY = 'stack-e2e-admin-key-0123456789ab';

/**
 * One deployment on the real engines (Kafka, Redis, ClickHouse from test/global-setup.ts): its own topics, Redis
 * prefix, ClickHouse database and DATA_DIR, the environment its processes start with (`vars`, `extra` on top), a
 * warehouse and bus client of its own, and `cleanup` that removes all of it.
 */
export function stackDeployment(label: string, extra: Record<string, string> = {}) {
  const env = requireEngine('kafka') && requireEngine('redis') && requireEngine('clickhouse');
  const ns = uniqueName(label);
  const dataDir = mkdtempSync(join(tmpdir(), `omnilane-${label}-`));
  const vars: Record<string, string> = {
    KAFKA_BROKERS: env.kafkaBrokers,
    REDIS_URL: env.redisUrl,
    CLICKHOUSE_URL: `${env.clickhouseUrl}/${ns}`,
    OMNILANE_NAMESPACE: ns,
    OMNILANE_INGEST_KEY: STACK_INGEST_KEY,
    OMNILANE_ADMIN_KEY: STACK_ADMIN_KEY,
    BUS_PARTITIONS: '4',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    ...extra,
  };
  const warehouse = new ClickHouseWarehouse({ url: vars.CLICKHOUSE_URL });
  const bus = new KafkaBus({ brokers: env.kafkaBrokers.split(','), namespace: ns });
  return {
    env,
    ns,
    dataDir,
    vars,
    warehouse,
    bus,
    /** The configuration a process of this deployment loads (any port, silent log unless `more` says otherwise). */
    config: (more: Record<string, string> = {}): Config => loadConfig({ ...vars, PORT: '0', LOG_LEVEL: 'silent', ...more }),
    count: async () => Number((await warehouse.query<{ events: string }>('events_count', { producer: null }))[0].events),
    lag: async () => (await bus.groupLag(STREAM_GROUP, [TOPICS.events])).reduce((a, p) => a + p.lag, 0),
    async cleanup() {
      await warehouse.command(`DROP DATABASE IF EXISTS ${ns}`).catch(() => undefined);
      await warehouse.close();
      await bus.dropNamespace().catch(() => undefined);
      await bus.close();
      const redis = new RedisStateStore({ url: env.redisUrl, keyPrefix: `${ns}:` });
      await redis.clearPrefix().catch(() => undefined);
      await redis.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
