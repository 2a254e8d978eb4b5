import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generate } from 'selfsigned';
import type { Config } from '../shared/config.js';
import { OmnilaneError } from '../shared/errors.js';
import { writePrivateFile } from '../shared/private-files.js';
import { parseFlags } from './args.js';

/** PEM certificate and key the HTTP server answers with (TLS 1.3 only: api/app.ts). */
export interface ServerTls {
  cert: string;
  key: string;
  /** Where they came from, for the start banner. */
  source: string;
}

/**
 * Writes a self-signed certificate for localhost, 127.0.0.1 and ::1 (EC P-256, one year) to `dir`:
 * `cert.pem` and `key.pem`, both 0600 in a 0700 folder. For local use and tests only: browsers warn, and
 * clients must be told to trust `cert.pem` (e.g. NODE_EXTRA_CA_CERTS or curl --cacert).
 */
export async function generateSelfSigned(
  dir: string,
  hosts: readonly string[] = ['localhost', '127.0.0.1', '::1'],
): Promise<{ certFile: string; keyFile: string; fingerprint: string }> {
  const now = Date.now();
  const pems = await generate([{ name: 'commonName', value: hosts[0] ?? 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 60_000),
    notAfterDate: new Date(now + 365 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: hosts.map((h) => (/^[\d.]+$|:/.test(h) ? { type: 7 as const, ip: h } : { type: 2 as const, value: h })) },
    ],
  });
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  writePrivateFile(keyFile, pems.private);
  writePrivateFile(certFile, pems.cert);
  return { certFile, keyFile, fingerprint: pems.fingerprint };
}

/**
 * The HTTP server's certificate: TLS_CERT_FILE/TLS_KEY_FILE when set; with TLS_SELF_SIGNED, the one in
 * DATA_DIR/tls (generated on first start); otherwise none (plain HTTP).
 */
export async function serverTls(cfg: Pick<Config, 'dataDir' | 'security'>): Promise<ServerTls | undefined> {
  const s = cfg.security;
  if (s.tlsCertFile && s.tlsKeyFile) return { cert: readFileSync(s.tlsCertFile, 'utf8'), key: readFileSync(s.tlsKeyFile, 'utf8'), source: s.tlsCertFile };
  if (!s.tlsSelfSigned) return undefined;
  const dir = join(cfg.dataDir, 'tls');
  if (!existsSync(join(dir, 'cert.pem')) || !existsSync(join(dir, 'key.pem'))) await generateSelfSigned(dir);
  return {
    cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    key: readFileSync(join(dir, 'key.pem'), 'utf8'),
    source: `${join(dir, 'cert.pem')} (self-signed)`,
  };
}

const read = (f: string | undefined) => (f ? readFileSync(f) : undefined);

/** What each engine adapter needs for TLS, read from the files the config names (docs/security.md). */
export function engineTls(cfg: Pick<Config, 'security'>) {
  const { kafka, redis, clickhouse } = cfg.security;
  const kafkaFiles = kafka.caFile || kafka.certFile ? { ca: read(kafka.caFile), cert: read(kafka.certFile), key: read(kafka.keyFile) } : undefined;
  return {
    kafka: { ...(kafka.ssl ? { ssl: kafkaFiles ?? (true as const) } : {}), ...(kafka.sasl ? { sasl: kafka.sasl } : {}) },
    redis: redis.caFile || redis.certFile ? { tls: { ca: read(redis.caFile), cert: read(redis.certFile), key: read(redis.keyFile) } } : {},
    clickhouse: clickhouse.caFile ? { tls: { ca: readFileSync(clickhouse.caFile), cert: read(clickhouse.certFile), key: read(clickhouse.keyFile) } } : {},
  };
}

/** `omnilane tls self-signed [--out DIR]`: writes a local certificate (default DATA_DIR/tls) and says how to use it. */
export async function tlsCommand(args: string[], cfg: Pick<Config, 'dataDir'>): Promise<string> {
  const [sub, ...rest] = args;
  if (sub !== 'self-signed') throw new OmnilaneError('CFG_ERR_INVALID', 'usage: omnilane tls self-signed [--out DIR]');
  const parsed = parseFlags(rest, { out: { type: 'string' } });
  if (!parsed.ok) throw new OmnilaneError('CFG_ERR_INVALID', `omnilane tls self-signed: ${parsed.message} (usage: --out DIR)`);
  const out = parsed.flags.out ? resolve(parsed.flags.out) : join(cfg.dataDir, 'tls');
  const r = await generateSelfSigned(out);
  return [
    `certificate ${r.certFile}`,
    `key         ${r.keyFile} (mode 0600)`,
    `fingerprint ${r.fingerprint}`,
    `start with  TLS_CERT_FILE=${r.certFile} TLS_KEY_FILE=${r.keyFile} omnilane start`,
    'self-signed: for local use only; clients must trust the certificate (curl --cacert, NODE_EXTRA_CA_CERTS)',
  ].join('\n');
}
