import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSelfSigned } from '../../cli/tls.js';
import { eventually } from '../contracts/engines.js';
import { freePort } from '../support/child-process.js';
import { startTestOmnilane, type TestOmnilane } from '../support/omnilane.js';

/**
 * The stack with TLS to its engines, on loopback: a Redis 7 that listens only on a TLS port (TLS 1.3 only)
 * and a ClickHouse 18.16 that answers HTTPS, both with a certificate of a CA only this test trusts. The
 * shared engines of scripts/stack.sh are not touched: these run on free ports and stop after the test.
 */
const dir = mkdtempSync(join(tmpdir(), 'engine-tls-'));
const procs: ChildProcess[] = [];
let cert: { certFile: string; keyFile: string };
let redisPort: number;
let httpsPort: number;
let app: TestOmnilane | undefined;

function started(cmd: string, args: string[], cwd: string): ChildProcess {
  const p = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  p.stdout!.on('data', (d) => (out += d));
  p.stderr!.on('data', (d) => (out += d));
  p.on('exit', (code) => code && code !== 0 && console.error(`${cmd} exited ${code}: ${out.slice(-2000)}`));
  procs.push(p);
  return p;
}

/** Resolves when a TLS handshake with `ca` succeeds (the server is up), with the protocol it chose. */
function handshake(port: number, ca: string, maxVersion?: 'TLSv1.2'): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, ca, servername: 'localhost', ...(maxVersion ? { maxVersion } : {}) }, () => {
      const p = s.getProtocol() ?? '';
      s.end();
      resolve(p);
    });
    s.on('error', reject);
  });
}

beforeAll(async () => {
  cert = await generateSelfSigned(join(dir, 'tls'));
  redisPort = await freePort();
  started('redis-server', ['--port', '0', '--bind', '127.0.0.1', '--tls-port', String(redisPort), '--tls-cert-file', cert.certFile, '--tls-key-file', cert.keyFile, '--tls-ca-cert-file', cert.certFile, '--tls-auth-clients', 'no', '--tls-protocols', 'TLSv1.3', '--save', '', '--appendonly', 'no'], dir);

  const ch = join(dir, 'clickhouse');
  for (const d of ['data/tmp', 'data/user_files', 'data/format_schemas', 'logs']) mkdirSync(join(ch, d), { recursive: true });
  httpsPort = await freePort();
  const [httpPort, tcpPort, interPort] = [await freePort(), await freePort(), await freePort()];
  // 18.16 reads its TLS settings from <openSSL><server>; command-line overrides replace the packaged paths.
  started('clickhouse-server', ['--config-file=/etc/clickhouse-server/config.xml', '--', `--path=${ch}/data/`, `--tmp_path=${ch}/data/tmp/`, `--user_files_path=${ch}/data/user_files/`, `--format_schema_path=${ch}/data/format_schemas/`, `--logger.log=${ch}/logs/ch.log`, `--logger.errorlog=${ch}/logs/err.log`, '--logger.level=warning', '--listen_host=127.0.0.1', `--http_port=${httpPort}`, `--tcp_port=${tcpPort}`, `--https_port=${httpsPort}`, `--interserver_http_port=${interPort}`, '--interserver_http_host=127.0.0.1', `--openSSL.server.certificateFile=${cert.certFile}`, `--openSSL.server.privateKeyFile=${cert.keyFile}`, '--openSSL.server.dhParamsFile=', '--mark_cache_size=268435456', '--uncompressed_cache_size=268435456'], ch);

  const ca = (await import('node:fs')).readFileSync(cert.certFile, 'utf8');
  await eventually('Redis answers TLS', () => handshake(redisPort, ca).then(() => true, () => false), 30_000, 100);
  await eventually('ClickHouse answers HTTPS', () => handshake(httpsPort, ca).then(() => true, () => false), 30_000, 100);
}, 90_000);

afterAll(async () => {
  await app?.cleanup();
  for (const p of procs) p.kill('SIGTERM');
  await Promise.all(procs.map((p) => (p.exitCode === null ? new Promise((r) => p.once('exit', r)) : undefined)));
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('engines over TLS', () => {
  it('the engines speak TLS 1.3 and refuse a client that offers at most TLS 1.2 (Redis)', async () => {
    const ca = (await import('node:fs')).readFileSync(cert.certFile, 'utf8');
    expect(await handshake(redisPort, ca)).toBe('TLSv1.3');
    expect(await handshake(httpsPort, ca)).toBe('TLSv1.3');
    await expect(handshake(redisPort, ca, 'TLSv1.2')).rejects.toThrow(/protocol|version|alert/i);
  });

  it('runs the pipeline with its state in Redis over rediss:// and its warehouse in ClickHouse over https://, trusting only the given CA', async () => {
    app = await startTestOmnilane({
      REDIS_URL: `rediss://localhost:${redisPort}`,
      REDIS_TLS_CA_FILE: cert.certFile,
      CLICKHOUSE_URL: `https://localhost:${httpsPort}/omnilane_tls`,
      CLICKHOUSE_CA_FILE: cert.certFile,
      OMNILANE_NAMESPACE: 'tls',
    });
    expect(app.engines.names.state).toMatch(/^Redis localhost:/);
    expect(app.engines.names.warehouse).toMatch(/^ClickHouse localhost:/);
    const events = Array.from({ length: 5 }, (_, i) => ({ id: `tls-${i}`, type: 'message.received', channel: 'web', occurred_at: new Date().toISOString(), customer: { external_id: `c-${i}` }, properties: { text: 'hello over TLS' } }));
    const res = await app.post('/v1/events', { events });
    expect(res.status).toBe(202);
    expect((await res.json()).accepted).toBe(5);
    await app.drained();
    // The events went through the Redis dedup (a repeat is a duplicate) and reached the ClickHouse table.
    const again = await (await app.post('/v1/events', { events })).json();
    expect(again.duplicates).toBe(5);
    await eventually('events in ClickHouse', async () => Number((await app!.engines.warehouse.query<{ events: unknown }>('events_count', { producer: null }))[0]?.events ?? 0) >= 5, 20_000, 100);
  });
});
