import { bool, fail, file, int, origins, pair, secret, type Env } from './config-readers.js';

/** docs/security.md "TLS set-up" and "Hardening". */
export interface SecurityConfig {
  /** TLS_CERT_FILE and TLS_KEY_FILE (PEM): the HTTP server speaks HTTPS, TLS 1.3 only. */
  tlsCertFile?: string;
  tlsKeyFile?: string;
  /** TLS_SELF_SIGNED: without a certificate file, generate one for local use in DATA_DIR/tls (never for production). */
  tlsSelfSigned: boolean;
  /** CORS_ORIGINS: comma-separated origins (scheme://host[:port]) whose pages may call the API; none by default. */
  corsOrigins: readonly string[];
  /** RATE_LIMIT_PER_MIN: requests per client address per minute on every route (burst the same, refilled evenly). */
  rateLimitPerMin: number;
  /** RATE_LIMIT_INGEST_PER_MIN: the same on POST /v1/events, whose producers send large volumes. */
  rateLimitIngestPerMin: number;
  /** AUDIT_HMAC_KEY (hex, at least 32 bytes): signs audit checkpoints; unset: DATA_DIR/audit-hmac.key, created once. */
  auditHmacKey?: string;
  /** AUDIT_CHECKPOINT_EVERY entries, and at least every AUDIT_CHECKPOINT_INTERVAL_S while entries arrive, a signed checkpoint. */
  auditCheckpointEvery: number;
  auditCheckpointIntervalMs: number;
  /** Kafka over TLS (KAFKA_SSL, KAFKA_SSL_CA_FILE, KAFKA_SSL_CERT_FILE/KEY_FILE) and SASL (KAFKA_SASL_MECHANISM plain|scram-sha-256|scram-sha-512, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD). */
  kafka: {
    ssl: boolean;
    caFile?: string;
    certFile?: string;
    keyFile?: string;
    sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  };
  /** rediss:// in REDIS_URL turns TLS on; REDIS_TLS_CA_FILE trusts a private CA; REDIS_TLS_CERT_FILE/KEY_FILE for mutual TLS. */
  redis: { caFile?: string; certFile?: string; keyFile?: string };
  /** https:// in CLICKHOUSE_URL turns TLS on; CLICKHOUSE_CA_FILE trusts a private CA; CLICKHOUSE_CERT_FILE/KEY_FILE for mutual TLS. */
  clickhouse: { caFile?: string; certFile?: string; keyFile?: string };
}

export function securityConfig(env: Env): SecurityConfig {
  const tls = pair(env, 'TLS_CERT_FILE', 'TLS_KEY_FILE');
  const mech = env.KAFKA_SASL_MECHANISM?.trim().toLowerCase();
  if (mech && !['plain', 'scram-sha-256', 'scram-sha-512'].includes(mech)) fail('KAFKA_SASL_MECHANISM', 'must be plain, scram-sha-256 or scram-sha-512');
  const user = secret(env, 'KAFKA_SASL_USERNAME');
  const password = secret(env, 'KAFKA_SASL_PASSWORD');
  if (mech && (!user || !password)) fail(user ? 'KAFKA_SASL_PASSWORD' : 'KAFKA_SASL_USERNAME', 'must be set with KAFKA_SASL_MECHANISM');
  const auditKey = env.AUDIT_HMAC_KEY?.trim();
  if (auditKey && !/^[0-9a-fA-F]{64,512}$/.test(auditKey)) fail('AUDIT_HMAC_KEY', 'must be 64 to 512 hex characters (32 bytes or more)');
  const kafkaCa = file(env, 'KAFKA_SSL_CA_FILE');
  const kafkaPair = pair(env, 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE');
  return {
    tlsCertFile: tls.certFile,
    tlsKeyFile: tls.keyFile,
    tlsSelfSigned: bool(env, 'TLS_SELF_SIGNED', false),
    corsOrigins: origins(env, 'CORS_ORIGINS'),
    rateLimitPerMin: int(env, 'RATE_LIMIT_PER_MIN', 6000, 1, 100_000_000),
    rateLimitIngestPerMin: int(env, 'RATE_LIMIT_INGEST_PER_MIN', 600_000, 1, 1_000_000_000),
    auditHmacKey: auditKey || undefined,
    auditCheckpointEvery: int(env, 'AUDIT_CHECKPOINT_EVERY', 100, 1, 1_000_000),
    auditCheckpointIntervalMs: int(env, 'AUDIT_CHECKPOINT_INTERVAL_S', 300, 0, 86_400) * 1000,
    // A CA or a client certificate implies SSL (nobody sets a CA to talk plaintext).
    kafka: {
      ssl: bool(env, 'KAFKA_SSL', false) || Boolean(kafkaCa || kafkaPair.certFile),
      caFile: kafkaCa,
      ...kafkaPair,
      ...(mech ? { sasl: { mechanism: mech as 'plain', username: user!, password: password! } } : {}),
    },
    redis: { caFile: file(env, 'REDIS_TLS_CA_FILE'), ...pair(env, 'REDIS_TLS_CERT_FILE', 'REDIS_TLS_KEY_FILE') },
    clickhouse: { caFile: file(env, 'CLICKHOUSE_CA_FILE'), ...pair(env, 'CLICKHOUSE_CERT_FILE', 'CLICKHOUSE_KEY_FILE') },
  };
}
