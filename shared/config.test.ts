import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has working defaults and is frozen', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8080, host: '127.0.0.1', busPartitions: 4, fsync: false });
    expect(Object.isFrozen(c)).toBe(true);
  });
  it.each([
    [{ PORT: 'abc' }, /PORT: must be an integer/],
    [{ PORT: '70000' }, /PORT: must be between/],
    [{ BUS_PARTITIONS: '0' }, /BUS_PARTITIONS/],
    [{ OMNILANE_INGEST_KEY: 'short' }, /OMNILANE_INGEST_KEY/],
    [{ OMNILANE_FSYNC: 'maybe' }, /OMNILANE_FSYNC: must be true or false/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ KAFKA_BROKERS: 'localhost' }, /KAFKA_BROKERS/],
    [{ REDIS_URL: 'http://x' }, /REDIS_URL: must start with redis:/],
    [{ CLICKHOUSE_URL: 'not a url' }, /CLICKHOUSE_URL: is not a URL/],
  ])('names the bad variable in %j', (env, msg) => {
    expect(() => loadConfig(env)).toThrow(msg);
    try {
      loadConfig(env);
    } catch (e) {
      expect((e as { code: string }).code).toBe('CFG_ERR_INVALID');
    }
  });
  it('reads engines when given', () => {
    const c = loadConfig({ KAFKA_BROKERS: '127.0.0.1:19092, 127.0.0.2:19092', REDIS_URL: 'redis://127.0.0.1:16379', CLICKHOUSE_URL: 'http://127.0.0.1:18123' });
    expect(c.kafkaBrokers).toEqual(['127.0.0.1:19092', '127.0.0.2:19092']);
  });
});
