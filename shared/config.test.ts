import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has working defaults and is frozen', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ server: { port: 8080, host: '127.0.0.1' }, bus: { partitions: 4 }, fsync: false });
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
    [{ TLS_CERT_FILE: '/nonexistent/cert.pem' }, /TLS_CERT_FILE: no such file/],
    [{ TLS_CERT_FILE: 'package.json' }, /TLS_KEY_FILE: must be set together with TLS_CERT_FILE/],
    [{ CORS_ORIGINS: 'https://a.example/path' }, /CORS_ORIGINS: .* must be an origin/],
    [{ CORS_ORIGINS: '*' }, /CORS_ORIGINS/],
    [{ KAFKA_SASL_MECHANISM: 'gssapi' }, /KAFKA_SASL_MECHANISM: must be plain, scram-sha-256 or scram-sha-512/],
    [{ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'u' }, /KAFKA_SASL_PASSWORD: must be set with KAFKA_SASL_MECHANISM/],
    [{ AUDIT_HMAC_KEY: 'abc' }, /AUDIT_HMAC_KEY: must be 64 to 512 hex characters/],
    [{ RATE_LIMIT_PER_MIN: '0' }, /RATE_LIMIT_PER_MIN: must be between/],
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
    expect(c.kafka.brokers).toEqual(['127.0.0.1:19092', '127.0.0.2:19092']);
  });
  it('reads the security settings: TLS files, engine TLS and SASL, CORS origins, rate limits', () => {
    const c = loadConfig({
      TLS_CERT_FILE: 'package.json',
      TLS_KEY_FILE: 'package.json',
      KAFKA_SSL_CA_FILE: 'package.json',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-256',
      KAFKA_SASL_USERNAME: 'omni',
      KAFKA_SASL_PASSWORD: 'pw',
      REDIS_TLS_CA_FILE: 'package.json',
      CORS_ORIGINS: 'https://CRM.example, http://localhost:5173',
      RATE_LIMIT_PER_MIN: '60',
    });
    expect(c.security).toMatchObject({
      tlsSelfSigned: false,
      corsOrigins: ['https://crm.example', 'http://localhost:5173'],
      rateLimitPerMin: 60,
      rateLimitIngestPerMin: 600_000,
    });
    expect(c.security.tlsCertFile).toMatch(/package\.json$/);
    // A CA implies SSL; the mechanism is normalised.
    expect(c.security.kafka).toMatchObject({ ssl: true, sasl: { mechanism: 'scram-sha-256', username: 'omni', password: 'pw' } });
    expect(c.security.redis.caFile).toMatch(/package\.json$/);
    expect(loadConfig({}).security).toMatchObject({ kafka: { ssl: false }, corsOrigins: [], auditCheckpointEvery: 100, auditCheckpointIntervalMs: 300_000 });
  });
});
