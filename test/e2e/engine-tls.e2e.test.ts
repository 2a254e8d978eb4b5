import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSelfSigned } from '../../cli/tls.js';
import { KafkaBus } from '../../stream/bus/kafka-bus.js';
import { TOPICS } from '../../shared/topics.js';
import { eventually } from '../contracts/engines.js';
import { freePort } from '../support/child-process.js';
import { projectRoot } from '../../shared/paths.js';
import { startTestOmnilane, type TestOmnilane } from '../support/omnilane.js';

/**
 * The stack with TLS to every engine, on loopback: a Kafka broker whose only client listener is SSL (TLS 1.3,
 * PEM keystore), a Redis 7 that listens only on a TLS port (TLS 1.3 only) and a ClickHouse 18.16 that answers
 * HTTPS, all with a certificate only this test trusts. The shared engines of scripts/stack.sh are not
 * touched: these run on free ports and stop after the test. Kafka's jars are the ones scripts/stack.sh
 * fetched (OMNILANE_KAFKA_CACHE, default .cache/kafka).
 */
const dir = mkdtempSync(join(tmpdir(), 'engine-tls-'));
const procs: ChildProcess[] = [];
let cert: { certFile: string; keyFile: string };
let redisPort: number;
let httpsPort: number;
let kafkaPort: number;
let kafkaLog: string;

/** Kafka's jar folder as scripts/stack.sh lays it out, fetched by it when missing; fails (never skips) naming how to get it. */
function kafkaLibs(): string {
  const cache = process.env.OMNILANE_KAFKA_CACHE ?? join(projectRoot(), '.cache', 'kafka');
  const version = process.env.OMNILANE_KAFKA_VERSION ?? '4.4.0';
  const libs = join(cache, version, 'libs');
  if (!existsSync(join(libs, '.complete'))) spawnSync('bash', [join(projectRoot(), 'scripts', 'stack.sh'), 'jars'], { stdio: 'inherit', timeout: 600_000 });
  if (!existsSync(join(libs, '.complete')))
    throw new Error(`Kafka jars not found in ${libs}: run npm run -s stack -- up kafka once (or set OMNILANE_KAFKA_CACHE)`);
  return libs;
}

/** A single-node KRaft broker whose client listener is SSL only, TLS 1.3, with the PEM certificate inline. */
async function startKafka(certFile: string, keyFile: string): Promise<void> {
  const libs = kafkaLibs();
  const d = join(dir, 'kafka');
  mkdirSync(join(d, 'data'), { recursive: true });
  kafkaPort = await freePort();
  const controller = await freePort();
  const pem = (f: string) => readFileSync(f, 'utf8').trim().replace(/\n/g, '\\n');
  writeFileSync(
    join(d, 'server.properties'),
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controller}`,
      `listeners=SSL://127.0.0.1:${kafkaPort},CONTROLLER://127.0.0.1:${controller}`,
      `advertised.listeners=SSL://127.0.0.1:${kafkaPort}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=SSL',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,SSL:SSL',
      `log.dirs=${join(d, 'data')}`,
      'num.partitions=2',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=2',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'transaction.state.log.num.partitions=2',
      'share.coordinator.state.topic.replication.factor=1',
      'share.coordinator.state.topic.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      // Kafka reads PEM keystores directly (no JKS/PKCS12 or keytool needed); the newlines are escaped.
      'ssl.keystore.type=PEM',
      `ssl.keystore.certificate.chain=${pem(certFile)}`,
      `ssl.keystore.key=${pem(keyFile)}`,
      'ssl.truststore.type=PEM',
      `ssl.truststore.certificates=${pem(certFile)}`,
      'ssl.enabled.protocols=TLSv1.3',
      'ssl.protocol=TLSv1.3',
    ].join('\n') + '\n',
  );
  const java = ['-Xms64m', '-Xmx384m', `-Dlog4j2.configurationFile=${join(projectRoot(), 'scripts', 'stack', 'kafka-log4j2.properties')}`, '-cp', `${libs}/*`];
  const format = spawnSync(
    'java',
    [...java, 'kafka.tools.StorageTool', 'format', '--ignore-formatted', '-t', 'T21uaWxhbmVUbHNUZXN0MQ', '-c', join(d, 'server.properties')],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (format.status !== 0) throw new Error(`Kafka storage format failed: ${format.stderr || format.stdout}`);
  kafkaLog = '';
  const p = started('java', [...java, 'kafka.Kafka', join(d, 'server.properties')], d);
  p.stdout!.on('data', (x) => (kafkaLog += x));
}
let app: TestOmnilane | undefined;

function started(cmd: string, args: string[], cwd: string): ChildProcess {
  const p = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  p.stdout.on('data', (d) => (out += d));
  p.stderr.on('data', (d) => (out += d));
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
  started(
    'redis-server',
    [
      '--port',
      '0',
      '--bind',
      '127.0.0.1',
      '--tls-port',
      String(redisPort),
      '--tls-cert-file',
      cert.certFile,
      '--tls-key-file',
      cert.keyFile,
      '--tls-ca-cert-file',
      cert.certFile,
      '--tls-auth-clients',
      'no',
      '--tls-protocols',
      'TLSv1.3',
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    dir,
  );

  const ch = join(dir, 'clickhouse');
  for (const d of ['data/tmp', 'data/user_files', 'data/format_schemas', 'logs']) mkdirSync(join(ch, d), { recursive: true });
  httpsPort = await freePort();
  const [httpPort, tcpPort, interPort] = [await freePort(), await freePort(), await freePort()];
  // 18.16 reads its TLS settings from <openSSL><server>; command-line overrides replace the packaged paths.
  started(
    'clickhouse-server',
    [
      '--config-file=/etc/clickhouse-server/config.xml',
      '--',
      `--path=${ch}/data/`,
      `--tmp_path=${ch}/data/tmp/`,
      `--user_files_path=${ch}/data/user_files/`,
      `--format_schema_path=${ch}/data/format_schemas/`,
      `--logger.log=${ch}/logs/ch.log`,
      `--logger.errorlog=${ch}/logs/err.log`,
      '--logger.level=warning',
      '--listen_host=127.0.0.1',
      `--http_port=${httpPort}`,
      `--tcp_port=${tcpPort}`,
      `--https_port=${httpsPort}`,
      `--interserver_http_port=${interPort}`,
      '--interserver_http_host=127.0.0.1',
      `--openSSL.server.certificateFile=${cert.certFile}`,
      `--openSSL.server.privateKeyFile=${cert.keyFile}`,
      '--openSSL.server.dhParamsFile=',
      '--mark_cache_size=268435456',
      '--uncompressed_cache_size=268435456',
    ],
    ch,
  );

  await startKafka(cert.certFile, cert.keyFile);

  const ca = readFileSync(cert.certFile, 'utf8');
  await eventually(
    'Redis answers TLS',
    () =>
      handshake(redisPort, ca).then(
        () => true,
        () => false,
      ),
    30_000,
    100,
  );
  await eventually(
    'ClickHouse answers HTTPS',
    () =>
      handshake(httpsPort, ca).then(
        () => true,
        () => false,
      ),
    30_000,
    100,
  );
  await eventually('Kafka started', () => /Kafka Server started/.test(kafkaLog), 120_000, 200);
  await eventually(
    'Kafka answers TLS',
    () =>
      handshake(kafkaPort, ca).then(
        () => true,
        () => false,
      ),
    30_000,
    100,
  );
  // A fresh KRaft broker answers "does not host this topic-partition" for a moment after its first topic is
  // created (kafkajs waits only for LEADER_NOT_AVAILABLE): warm it up the way scripts/stack.sh's check does.
  // Each new topic needs a few seconds there, so the pipeline's topics are made (and retried) here first.
  const warm = new KafkaBus({ brokers: [`127.0.0.1:${kafkaPort}`], namespace: 'tls', ssl: { ca: readFileSync(cert.certFile) } });
  for (const [topic, partitions] of [
    [TOPICS.events, 4],
    [TOPICS.rejected, 1],
    [TOPICS.deadLetters, 1],
  ] as const) {
    await eventually(
      `Kafka creates ${topic} over SSL`,
      () =>
        warm.ensureTopic(topic, partitions).then(
          () => true,
          () => false,
        ),
      60_000,
      500,
    );
  }
  await warm.close();
}, 180_000);

afterAll(async () => {
  await app?.cleanup();
  for (const p of procs) p.kill('SIGTERM');
  await Promise.all(procs.map((p) => (p.exitCode === null ? new Promise((r) => p.once('exit', r)) : Promise.resolve())));
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('engines over TLS', () => {
  it('the engines speak TLS 1.3 and refuse a client that offers at most TLS 1.2 (Kafka, Redis)', async () => {
    const ca = readFileSync(cert.certFile, 'utf8');
    expect(await handshake(kafkaPort, ca)).toBe('TLSv1.3');
    expect(await handshake(redisPort, ca)).toBe('TLSv1.3');
    expect(await handshake(httpsPort, ca)).toBe('TLSv1.3');
    await expect(handshake(redisPort, ca, 'TLSv1.2')).rejects.toThrow(/protocol|version|alert/i);
    await expect(handshake(kafkaPort, ca, 'TLSv1.2')).rejects.toThrow(/protocol|version|alert|socket|ECONNRESET/i);
  });

  it('runs the pipeline on Kafka over SSL, Redis over rediss:// and ClickHouse over https://, trusting only the given CA', async () => {
    app = await startTestOmnilane({
      KAFKA_BROKERS: `127.0.0.1:${kafkaPort}`,
      KAFKA_SSL_CA_FILE: cert.certFile,
      REDIS_URL: `rediss://localhost:${redisPort}`,
      REDIS_TLS_CA_FILE: cert.certFile,
      CLICKHOUSE_URL: `https://localhost:${httpsPort}/omnilane_tls`,
      CLICKHOUSE_CA_FILE: cert.certFile,
      OMNILANE_NAMESPACE: 'tls',
    });
    expect(app.engines.names.bus).toMatch(/^Kafka 127\.0\.0\.1:/);
    expect(app.engines.names.state).toMatch(/^Redis localhost:/);
    expect(app.engines.names.warehouse).toMatch(/^ClickHouse localhost:/);
    const events = Array.from({ length: 5 }, (_, i) => ({
      id: `tls-${i}`,
      type: 'message.received',
      channel: 'web',
      occurred_at: new Date().toISOString(),
      customer: { external_id: `c-${i}` },
      properties: { text: 'hello over TLS' },
    }));
    const res = await app.post('/v1/events', { events });
    expect(res.status).toBe(202);
    expect((await res.json()).accepted).toBe(5);
    await app.drained();
    // The events went through Kafka (the worker consumed them: drained), the Redis dedup (a repeat is a duplicate) and reached the ClickHouse table.
    const again = await (await app.post('/v1/events', { events })).json();
    expect(again.duplicates).toBe(5);
    await eventually(
      'events in ClickHouse',
      async () => Number((await app!.engines.warehouse.query<{ events: unknown }>('events_count', { producer: null }))[0]?.events ?? 0) >= 5,
      20_000,
      100,
    );
  });
});
