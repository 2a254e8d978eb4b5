import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { EngineMonitor } from '../../cli/ops.js';
import { MetricsRegistry } from '../../shared/metrics.js';
import { OutageLog } from '../../shared/outage-log.js';
import { ObservedWarehouse } from '../../stream/observed-warehouse.js';
import type { Engines } from '../../cli/engines.js';
import { startRoles, type RunningRoles } from '../../cli/runtime.js';
import { loadConfig } from '../../shared/config.js';
import { silentLogger } from '../../shared/logger.js';
import type { EventBus } from '../../shared/ports/event-bus.js';
import { KafkaBus } from '../../stream/bus/kafka-bus.js';
import { RedisStateStore } from '../../stream/state/redis-state-store.js';
import { TOPICS } from '../../shared/topics.js';
import { ClickHouseWarehouse } from '../../warehouse/clickhouse/clickhouse-warehouse.js';
import { eventually, requireEngine, sleep, uniqueName } from '../contracts/engines.js';
import { freePort, spawnOmnilane, waitForExit } from '../support/child-process.js';

const INGEST_KEY = 'outage-ingest-key-0123456789ab';
const ADMIN_KEY = 'outage-admin-key-0123456789abcd';

const event = (id: string) => ({
  id,
  type: 'message.received',
  channel: 'web',
  occurred_at: Date.now() - 60_000,
  customer: { external_id: `c-${id}` },
  conversation_id: `conv-${id}`,
  properties: {},
});

async function post(url: string, ids: string[]) {
  const t0 = Date.now();
  const res = await fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_KEY}` },
    body: JSON.stringify({ events: ids.map(event) }),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, ms: Date.now() - t0, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Record<string, unknown> };
}

async function timedGet(url: string, headers: Record<string, string> = {}) {
  const t0 = Date.now();
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  return { status: res.status, ms: Date.now() - t0, text, json: () => JSON.parse(text) as Record<string, any> };
}

/** A port nothing listens on (bound, read, closed). */
const closedPort = () => freePort();

/** The same bus with ensureTopic a no-op, so a process can start while the bus is down. */
function startableWhileDown(bus: EventBus): EventBus {
  return new Proxy(bus, {
    get: (t, p, r) =>
      p === 'ensureTopic'
        ? async () => undefined
        : typeof Reflect.get(t, p, r) === 'function'
          ? (Reflect.get(t, p, r) as (...args: unknown[]) => unknown).bind(t)
          : Reflect.get(t, p, r),
  });
}

function baseVars(ns: string, dataDir: string, extra: Record<string, string> = {}) {
  const env = requireEngine('kafka') && requireEngine('redis') && requireEngine('clickhouse');
  return {
    KAFKA_BROKERS: env.kafkaBrokers,
    REDIS_URL: env.redisUrl,
    CLICKHOUSE_URL: `${env.clickhouseUrl}/${ns}`,
    OMNILANE_NAMESPACE: ns,
    OMNILANE_INGEST_KEY: INGEST_KEY,
    OMNILANE_ADMIN_KEY: ADMIN_KEY,
    BUS_PARTITIONS: '2',
    DATA_DIR: dataDir,
    PORT: '0',
    LOG_LEVEL: 'silent',
    STREAM_METRICS_PORT: '0',
    ...extra,
  };
}

/** A pino logger whose lines land in an array. */
function captureLog() {
  const lines: Array<Record<string, any>> = [];
  const log = pino(
    { level: 'info' },
    new Writable({
      write: (c, _e, cb) => (
        String(c)
          .split('\n')
          .filter(Boolean)
          .forEach((l) => lines.push(JSON.parse(l))),
        cb()
      ),
    }),
  );
  return { log, lines };
}

/** A "frozen" server: accepts connections and never answers (a SIGSTOPped ClickHouse). */
async function silentServer() {
  const sockets: Socket[] = [];
  const server = createTcpServer((s) => void sockets.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { port, close: () => new Promise<void>((r) => (sockets.forEach((s) => s.destroy()), server.close(() => r()))) };
}

describe('engine outages: fast, honest failure on the real engines', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'omnilane-outage-'));
    cleanups.push(async () => rmSync(d, { recursive: true, force: true }));
    return d;
  };

  it('a KafkaBus pointed at a closed port answers a publish with BUS_ERR_UNAVAILABLE within the bound', async () => {
    const bus = new KafkaBus({ brokers: [`127.0.0.1:${await closedPort()}`], publishTimeoutMs: 1500, adminTimeoutMs: 500 });
    cleanups.push(() => bus.close());
    const t0 = Date.now();
    const err = await bus.publish('events', [{ key: 'k', value: 'v' }]).catch((e: unknown) => e as { code: string; message: string });
    const ms = Date.now() - t0;
    expect(err).toMatchObject({
      code: 'BUS_ERR_UNAVAILABLE',
      message: expect.stringMatching(/Kafka \(127\.0\.0\.1:\d+\) did not acknowledge 1 record\(s\) on events within 1500 ms/),
    });
    expect(ms).toBeGreaterThanOrEqual(1400);
    expect(ms).toBeLessThan(2500);
    await expect(bus.ping()).rejects.toMatchObject({ code: 'BUS_ERR_UNAVAILABLE' });
  });

  it('a Kafka outage writes a few rate-limited error lines, not one per kafkajs retry', async () => {
    const { log, lines } = captureLog();
    const outages = new OutageLog({ log, intervalMs: 1000 });
    const bus = new KafkaBus({ brokers: [`127.0.0.1:${await closedPort()}`], publishTimeoutMs: 3000, log, outages });
    cleanups.push(() => bus.close());
    let reported = 0;
    const counting = new OutageLog({ log: pino({ level: 'silent' }), intervalMs: 1000, onError: () => reported++ });
    const busCounted = new KafkaBus({ brokers: [`127.0.0.1:${await closedPort()}`], publishTimeoutMs: 3000, outages: counting });
    cleanups.push(() => busCounted.close());
    await Promise.all([
      bus.publish('events', [{ key: 'k', value: 'v' }]).catch(() => undefined),
      busCounted.publish('events', [{ key: 'k', value: 'v' }]).catch(() => undefined),
    ]);
    outages.close();
    const bus_ = lines.filter((l) => l.engine === 'bus');
    expect(reported, 'kafkajs reports many errors during 3 s of outage').toBeGreaterThan(5);
    expect(bus_.length).toBeLessThanOrEqual(8); // ~3 one-second windows: the first line and a summary each
    expect(bus_.some((l) => typeof l.count === 'number' && l.count > 0)).toBe(true);
  });

  it('a frozen ClickHouse: the probe marks it down within the timeout and a write outstanding too long is logged at warn', async () => {
    const frozen = await silentServer();
    cleanups.push(() => frozen.close());
    const { log, lines } = captureLog();
    const ch = new ClickHouseWarehouse({ url: `http://127.0.0.1:${frozen.port}/frozen`, requestTimeoutMs: 5000 });
    const metrics = new MetricsRegistry();
    const sink = new ObservedWarehouse(ch, { metrics, log, stallWarnMs: 1000, checkEveryMs: 100 });
    const monitor = new EngineMonitor({
      timeoutMs: 800,
      probes: [{ name: 'warehouse', engine: `ClickHouse 127.0.0.1:${frozen.port}`, used: true, ping: () => ch.ping() }],
    });
    const t0 = Date.now();
    const status = await monitor.check();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(status.warehouse.state).toBe('down');
    const write = sink
      .append('events', [
        {
          producer: 'p',
          id: 'a',
          type: 'message.received',
          channel: 'web',
          occurred_at: 1,
          received_at: 1,
          customer_key: 'c',
          conversation_id: null,
          agent_id: null,
          customer: '{}',
          properties: '{}',
        },
      ])
      .catch((e: unknown) => e as { code: string });
    await eventually('stall warning', () => lines.some((l) => l.level === 40 && /the sink is stalled/.test(l.msg)), 4000, 50);
    expect(await metrics.render()).toMatch(/^omnilane_sink_writes_outstanding 1$/m);
    expect(await write).toMatchObject({ code: 'WH_ERR_UNAVAILABLE' });
    await sink.close();
    await ch.close();
  }, 30_000);

  it('with Kafka down, ingest answers 503 ING_ERR_BUS_UNAVAILABLE with Retry-After within ~5 s; /healthz answers within 1 s with the bus down; /metrics answers 200', async () => {
    const env = requireEngine('redis');
    const ns = uniqueName('outbus');
    const cfg = loadConfig({ ...baseVars(ns, tmp()), KAFKA_BROKERS: `127.0.0.1:${await closedPort()}` });
    const state = new RedisStateStore({ url: env.redisUrl, keyPrefix: `${ns}:` });
    cleanups.push(async () => void (await state.clearPrefix().catch(() => 0)));
    const kafka = new KafkaBus({ brokers: cfg.kafka.brokers!, namespace: ns, publishTimeoutMs: cfg.bus.publishTimeoutMs });
    const engines: Engines = {
      bus: startableWhileDown(kafka),
      state,
      warehouse: {
        migrate: async () => [],
        append: async () => undefined,
        discardContributions: async () => undefined,
        eraseRows: async () => 0,
        query: async () => [],
        close: async () => undefined,
      },
      names: { bus: `Kafka ${cfg.kafka.brokers!.join(',')}`, state: 'Redis', warehouse: 'not used' },
    };
    const running = await startRoles({ config: cfg, roles: { ingest: true, stream: false, api: false }, engines, log: silentLogger() });
    cleanups.push(() => running.stop());

    const r = await post(running.url!, ['b-1', 'b-2']);
    expect(r.status).toBe(503);
    expect(r.body.code).toBe('ING_ERR_BUS_UNAVAILABLE');
    expect(String(r.body.message)).toMatch(/did not acknowledge/);
    expect(r.retryAfter).toBe('5');
    expect(r.ms).toBeGreaterThanOrEqual(4500);
    expect(r.ms).toBeLessThan(6500); // BUS_PUBLISH_TIMEOUT_MS=5000, before a client's usual 10–30 s timeout

    const h = await timedGet(`${running.url}/healthz`);
    expect(h.ms).toBeLessThan(1000);
    expect(h.status).toBe(200);
    expect(h.json()).toMatchObject({
      status: 'degraded',
      down: ['bus'],
      engines: { bus: { state: 'down' }, state: { state: 'up' }, warehouse: { state: 'unused' } },
    });
    const ready = await timedGet(`${running.url}/readyz`);
    expect(ready.ms).toBeLessThan(1000);
    expect(ready.status).toBe(503);
    expect(ready.json().message).toMatch(/engine down: bus/);

    const m = await timedGet(`${running.url}/metrics`, { authorization: `Bearer ${ADMIN_KEY}` });
    expect(m.status).toBe(200);
    expect(m.ms).toBeLessThan(1500);
    expect(m.text).toMatch(/^omnilane_engine_up\{engine="bus",kind="Kafka"\} 0$/m);
    expect(m.text).toMatch(/^omnilane_ingest_unavailable_total\{engine="bus"\} 1$/m);
    // The claims were released: the same ids may be sent again once the bus is back.
    expect(await state.get('dedup:ingest:b-1')).toBeNull();
  }, 60_000);

  it('a Redis outage answers 503 ING_ERR_STATE_UNAVAILABLE (not a bus error) and ingest recovers when Redis is back', async () => {
    const env = requireEngine('kafka');
    const port = await freePort();
    const startRedis = () => {
      const p = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
        stdio: 'ignore',
      });
      cleanups.push(async () => void p.kill('SIGKILL'));
      return p;
    };
    let redis: ChildProcess = startRedis();
    const ns = uniqueName('outredis');
    const cfg = loadConfig(baseVars(ns, tmp(), { REDIS_URL: `redis://127.0.0.1:${port}` }));
    await eventually(
      'throwaway redis up',
      async () => {
        const s = new RedisStateStore({ url: cfg.redis.url!, lazyConnect: true });
        const ok = await s.ping().then(
          () => true,
          () => false,
        );
        await s.close();
        return ok;
      },
      10_000,
      100,
    );
    const bus = new KafkaBus({ brokers: env.kafkaBrokers.split(','), namespace: ns });
    cleanups.push(async () => {
      await bus.dropNamespace().catch(() => undefined);
      await bus.close();
    });
    const running: RunningRoles = await startRoles({ config: cfg, roles: { ingest: true, stream: false, api: false }, log: silentLogger() });
    cleanups.push(() => running.stop());
    expect((await post(running.url!, ['r-1'])).status).toBe(202);

    redis.kill('SIGKILL');
    await new Promise((r) => redis.once('exit', r));
    const r = await post(running.url!, ['r-2']);
    expect(r.status).toBe(503);
    expect(r.body.code).toBe('ING_ERR_STATE_UNAVAILABLE');
    expect(String(r.body.message)).toMatch(/state store did not answer.*Redis 127\.0\.0\.1:\d+/);
    expect(r.retryAfter).toBe('5');
    expect(r.ms).toBeLessThan(4000);
    const h = await timedGet(`${running.url}/healthz`);
    expect(h.ms).toBeLessThan(1000);
    expect(h.json()).toMatchObject({ status: 'degraded', engines: { state: { state: 'down' }, bus: { state: 'up' } } });

    redis = startRedis();
    await eventually('ingest answers again after Redis restarted', async () => (await post(running.url!, ['r-2'])).status === 202, 15_000, 200);
    await eventually('/readyz 200 again', async () => (await timedGet(`${running.url}/readyz`)).status === 200, 5000, 200);
  }, 60_000);

  it('a request that failed after the bus stored its events is harmless: the retry with the same id counts once', async () => {
    const env = requireEngine('kafka') && requireEngine('redis') && requireEngine('clickhouse');
    const ns = uniqueName('outretry');
    const cfg = loadConfig(baseVars(ns, tmp()));
    const kafka = new KafkaBus({ brokers: env.kafkaBrokers.split(','), namespace: ns });
    const warehouse = new ClickHouseWarehouse({ url: cfg.clickhouse.url! });
    const state = new RedisStateStore({ url: env.redisUrl, keyPrefix: `${ns}:` });
    cleanups.push(async () => {
      await warehouse.command(`DROP DATABASE IF EXISTS ${ns}`).catch(() => undefined);
      await kafka.dropNamespace().catch(() => undefined);
      await state.clearPrefix().catch(() => 0);
    });
    // The first publish of events lands on Kafka, then "times out" (the acknowledgement came too late).
    let failNext = true;
    const bus = new Proxy(kafka, {
      get: (t, p) =>
        p === 'publish'
          ? async (topic: string, records: Array<{ key: string; value: string }>) => {
              await t.publish(topic, records);
              if (topic === TOPICS.events && failNext) {
                failNext = false;
                const { OmnilaneError } = await import('../../shared/errors.js');
                throw new OmnilaneError('BUS_ERR_UNAVAILABLE', 'Kafka did not acknowledge within 5000 ms (test)');
              }
            }
          : typeof Reflect.get(t, p) === 'function'
            ? (Reflect.get(t, p) as (...args: unknown[]) => unknown).bind(t)
            : Reflect.get(t, p),
    });
    const engines: Engines = { bus, state, warehouse, names: { bus: 'Kafka', state: 'Redis', warehouse: 'ClickHouse' } };
    const running = await startRoles({ config: cfg, roles: { ingest: true, stream: true, api: true }, engines, log: silentLogger() });
    cleanups.push(() => running.stop());

    const first = await post(running.url!, ['x-1']);
    expect(first.status).toBe(503);
    expect(first.body.code).toBe('ING_ERR_BUS_UNAVAILABLE');
    const retry = await post(running.url!, ['x-1']);
    expect(retry.status).toBe(202);
    expect(retry.body).toMatchObject({ accepted: 1 });
    await eventually(
      'both copies consumed',
      async () => (await running.worker!.lag()) === 0 && running.worker!.processed + running.worker!.duplicates >= 2,
      60_000,
      100,
    );
    await sleep(300);
    const rows = await warehouse.sql<{ n: string }>(`SELECT count() AS n FROM events FINAL WHERE id = 'x-1'`);
    expect(Number(rows[0].n)).toBe(1);
    expect(running.worker!.processed).toBe(1);
    expect(running.worker!.duplicates).toBe(1);
    const m = await timedGet(`${running.url}/metrics`, { authorization: `Bearer ${ADMIN_KEY}` });
    expect(m.text).toMatch(/^omnilane_stream_dedup_hits_total 1$/m);
  }, 90_000);

  it('a stream process serves Prometheus metrics on its own port with consumer lag per partition; the api process shows the group lag too', async () => {
    const env = requireEngine('kafka') && requireEngine('clickhouse');
    const ns = uniqueName('outmetrics');
    const cfg = loadConfig(baseVars(ns, tmp()));
    const kafka = new KafkaBus({ brokers: env.kafkaBrokers.split(','), namespace: ns });
    const warehouse = new ClickHouseWarehouse({ url: cfg.clickhouse.url! });
    cleanups.push(async () => {
      await warehouse.command(`DROP DATABASE IF EXISTS ${ns}`).catch(() => undefined);
      await warehouse.close();
      await kafka.dropNamespace().catch(() => undefined);
      await kafka.close();
      const s = new RedisStateStore({ url: cfg.redis.url!, keyPrefix: `${ns}:` });
      await s.clearPrefix().catch(() => 0);
      await s.close();
    });
    const stream = await startRoles({ config: cfg, roles: { ingest: false, stream: true, api: false }, log: silentLogger() });
    cleanups.push(() => stream.stop());
    expect(stream.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const api = await startRoles({ config: cfg, roles: { ingest: false, stream: false, api: true }, log: silentLogger() });
    cleanups.push(() => api.stop());

    const envelope = (i: number) =>
      JSON.stringify({
        producer: 'ingest',
        id: `m-${i}`,
        type: 'message.received',
        channel: 'web',
        occurred_at: Date.now() - 60_000,
        received_at: Date.now(),
        customer_key: `c-${i}`,
        customer: { external_id: `c-${i}` },
        conversation_id: `conv-${i}`,
        agent_id: null,
        properties: {},
      });
    await kafka.publish(
      TOPICS.events,
      Array.from({ length: 20 }, (_, i) => ({ key: `c-${i}`, value: envelope(i) })),
    );
    await eventually('worker caught up', async () => (await stream.worker!.lag()) === 0 && stream.worker!.processed === 20, 60_000, 100);

    const m = await timedGet(`${stream.metricsUrl}/metrics`);
    expect(m.status).toBe(200);
    expect(m.text).toMatch(/^omnilane_consumer_lag_records\{partition="0",topic="omnilane\.events"\} 0$/m);
    expect(m.text).toMatch(/^omnilane_consumer_lag_records\{partition="1",topic="omnilane\.events"\} 0$/m);
    expect(m.text).toMatch(/^omnilane_stream_batch_duration_seconds_count\{outcome="ok",topic="omnilane\.events"\} [1-9]\d*$/m);
    expect(m.text).toMatch(/^omnilane_sink_write_duration_seconds_count\{op="append",table="events"\} [1-9]\d*$/m);
    expect(m.text).toMatch(/^omnilane_stream_state_rebuilds_total\{partition="\d"\} [1-9]\d*$/m);
    expect(m.text).toMatch(/^omnilane_stream_events_processed_total 20$/m);
    expect(m.text).toMatch(/^omnilane_engine_up\{engine="warehouse",kind="ClickHouse"\} 1$/m);
    const h = await timedGet(`${stream.metricsUrl}/healthz`);
    expect(h.json()).toMatchObject({
      status: 'ok',
      lag: 0,
      processed: 20,
      engines: { bus: { state: 'up' }, state: { state: 'up' }, warehouse: { state: 'up' } },
    });
    expect((await timedGet(`${stream.metricsUrl}/readyz`)).status).toBe(200);

    const a = await timedGet(`${api.url}/metrics`, { authorization: `Bearer ${ADMIN_KEY}` });
    expect(a.status).toBe(200);
    expect(a.text).toMatch(/^omnilane_consumer_lag_records\{partition="0",topic="omnilane\.events"\} 0$/m);
    expect(a.text).toMatch(/^omnilane_stream_lag_records 0$/m);
  }, 120_000);

  it('a stream worker killed with SIGKILL and restarted at once has its partitions taken over, or gets them back when restarted, within the session timeout (KAFKA_SESSION_TIMEOUT_MS, default 6 s)', async () => {
    const env = requireEngine('kafka') && requireEngine('clickhouse');
    const ns = uniqueName('outrestart');
    const vars = baseVars(ns, tmp(), { LOG_LEVEL: 'warn' });
    const cfg = loadConfig(vars);
    const kafka = new KafkaBus({ brokers: env.kafkaBrokers.split(','), namespace: ns });
    const warehouse = new ClickHouseWarehouse({ url: cfg.clickhouse.url! });
    cleanups.push(async () => {
      await warehouse.command(`DROP DATABASE IF EXISTS ${ns}`).catch(() => undefined);
      await warehouse.close();
      await kafka.dropNamespace().catch(() => undefined);
      await kafka.close();
      const s = new RedisStateStore({ url: cfg.redis.url!, keyPrefix: `${ns}:` });
      await s.clearPrefix().catch(() => 0);
      await s.close();
    });
    const envelope = (id: string) =>
      JSON.stringify({
        producer: 'ingest',
        id,
        type: 'message.received',
        channel: 'web',
        occurred_at: Date.now() - 60_000,
        received_at: Date.now(),
        customer_key: `c-${id}`,
        customer: { external_id: `c-${id}` },
        conversation_id: `conv-${id}`,
        agent_id: null,
        properties: {},
      });
    const count = async () => Number((await warehouse.sql<{ n: string }>('SELECT count() AS n FROM events FINAL'))[0].n);
    // The stream role serves /healthz on its metrics port: spawnOmnilane waits for it there.
    const spawnStream = async () => {
      const port = await freePort();
      const child = await spawnOmnilane(['stream'], { ...vars, STREAM_METRICS_PORT: String(port) }, port);
      cleanups.push(async () => void child.proc.kill('SIGKILL'));
      return child;
    };
    const batch = (tag: string) =>
      kafka.publish(
        TOPICS.events,
        Array.from({ length: 8 }, (_, i) => ({ key: `k${i}`, value: envelope(`${tag}-${i}`) })),
      );
    const first = await spawnStream();
    await batch('before');
    await eventually('first worker stored the first events', async () => (await count().catch(() => 0)) === 8, 60_000, 100);
    // A second worker joins and shares the partitions; then the first dies without leaving the group.
    const second = await spawnStream();
    await batch('shared');
    await eventually('both workers consume', async () => (await count()) === 16, 60_000, 50);
    const killedAt = Date.now();
    first.proc.kill('SIGKILL');
    await waitForExit(first.proc);
    await batch('after');
    await eventually("the survivor took over the dead worker's partitions", async () => (await count()) === 24, 30_000, 50);
    const takeoverMs = Date.now() - killedAt;
    // Before: a fixed 10 s session timeout kept a dead member's partitions for 10-11 s.
    expect(takeoverMs, `partitions taken over ${takeoverMs} ms after the kill`).toBeLessThan(cfg.kafka.sessionTimeoutMs + 2500);

    // Restarted at once: by the time a new process is up (several seconds here) the dead member is gone.
    second.proc.kill('SIGKILL');
    await waitForExit(second.proc);
    const restarted = Date.now();
    await batch('restart');
    const third = await spawnStream();
    const up = Date.now();
    await eventually('restarted worker resumed', async () => (await count()) === 32, 30_000, 50);
    const resumedMs = Date.now() - up;
    console.info(`takeover after SIGKILL: ${takeoverMs} ms; restarted worker up ${up - restarted} ms after the kill, resumed ${resumedMs} ms after that`);
    expect(Date.now() - restarted).toBeLessThan(Math.max(cfg.kafka.sessionTimeoutMs, up - restarted) + 2500);
    third.proc.kill('SIGTERM');
    await waitForExit(third.proc);
  }, 120_000);
});
