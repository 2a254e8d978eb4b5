import { join } from 'node:path';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { ConfigResourceTypes, Kafka } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { startOmnilane } from '../../cli/runtime.js';
import { silentLogger } from '../../shared/logger.js';
import { DataKeyRing, StateStoreDataKeyVault } from '../../shared/privacy/data-keys.js';
import { LocalMasterKeys } from '../../shared/privacy/master-keys.js';
import { RedisStateStore } from '../../stream/state/redis-state-store.js';
import { eventually } from '../contracts/engines.js';
import { anyFileContains, filesUnder } from '../support/files.js';
import { STACK_ADMIN_KEY, STACK_INGEST_KEY, stackDeployment } from '../support/stack-deployment.js';

/**
 * Personal data at rest on the real engines (issue 14 item 5): after a customer's events went through Kafka, Redis and
 * ClickHouse, a byte search of the deployment's Kafka partition directories, a fresh Redis dump and its ClickHouse
 * table directories. A run with PRIVACY_ENCRYPTION=off over the same engines must find the values in each of the
 * three (so the search sees plaintext through ClickHouse's compression too); encrypted, none anywhere, before and
 * after the customer's erasure, and the sealed copies left in Kafka no longer open once their key is destroyed.
 */
const INGEST_KEY = STACK_INGEST_KEY;
const ADMIN_KEY = STACK_ADMIN_KEY;
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

async function deploy(label: string, extra: Record<string, string>) {
  const d = stackDeployment(label, { BUS_PARTITIONS: '2', IDENTITY_DEFAULT_COUNTRY_CODE: '86', ...extra });
  const { env, ns, dataDir, warehouse } = d;
  const running = await startOmnilane({ config: d.config(), log: silentLogger() });
  const redis = new Redis(env.redisUrl);
  cleanups.push(async () => {
    await running.stop().catch(() => undefined);
    redis.disconnect();
    await d.cleanup();
  });

  /** Where each engine keeps this deployment's data: its Kafka partition folders, a fresh Redis dump, its ClickHouse table folders. */
  const stores = async (): Promise<Record<'kafka' | 'redis' | 'clickhouse', string[]>> => {
    const admin = new Kafka({ brokers: env.kafkaBrokers.split(','), logLevel: 0 }).admin();
    await admin.connect();
    const { brokers } = await admin.describeCluster();
    const cfg = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.BROKER, name: String(brokers[0].nodeId), configNames: ['log.dirs', 'log.dir'] }],
    });
    await admin.disconnect();
    const logDirs = cfg.resources[0].configEntries.flatMap((e) => (e.configValue ?? '').split(',')).filter(Boolean);
    const kafka = logDirs.flatMap((d) => (existsSync(d) ? readdirSync(d).filter((n) => n.startsWith(ns)) : []).map((n) => join(d, n)));
    await redis.call('SAVE');
    const [, dir] = (await redis.call('CONFIG', 'GET', 'dir')) as [string, string];
    const [, file] = (await redis.call('CONFIG', 'GET', 'dbfilename')) as [string, string];
    const res = await fetch(`${env.clickhouseUrl}/`, {
      method: 'POST',
      body: `SELECT data_path FROM system.tables WHERE database = '${ns}' AND data_path != '' FORMAT JSONEachRow`,
    });
    const tables = (await res.text())
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { data_path: string });
    return { kafka, redis: [join(dir, file)], clickhouse: tables.map((t) => t.data_path) };
  };
  const post = async (events: unknown[]) => {
    const res = await fetch(`${running.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_KEY}` },
      body: JSON.stringify({ events }),
    });
    expect(res.status).toBe(202);
  };
  const get = async <T>(path: string) => {
    const res = await fetch(`${running.url}${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  };
  return { ns, env, dataDir, running, warehouse, stores, post, get };
}

/** One customer's conversation with values unique to this run. */
function conversation(tag: string) {
  const needles = {
    phone: `1391${tag}`,
    email: `wu.${tag}@secret.example.cn`,
    text: `送到北京市朝阳区${tag}号院`,
    reply: `reply-${tag}`,
    // The words of an event ingest refuses (an unknown type): kept as a dead letter, sealed like the rest.
    refused: `refused-${tag}`,
  };
  const customer = { phone: `+86${needles.phone}`, email: needles.email };
  const at = (s: number) => new Date(Date.now() - 120_000 + s * 1000).toISOString();
  const events = [
    { id: `${tag}-1`, type: 'conversation.started', channel: 'sms', occurred_at: at(0), customer, conversation_id: `c-${tag}` },
    { id: `${tag}-2`, type: 'message.received', channel: 'sms', occurred_at: at(1), customer, conversation_id: `c-${tag}`, properties: { text: needles.text } },
    {
      id: `${tag}-3`,
      type: 'message.sent',
      channel: 'sms',
      occurred_at: at(2),
      customer,
      conversation_id: `c-${tag}`,
      agent_id: 'ag_li',
      properties: { text: needles.reply },
    },
    { id: `${tag}-4`, type: 'no.such.type', channel: 'sms', occurred_at: at(3), customer, properties: { text: needles.refused } },
  ];
  return { needles: Object.values(needles), events, email: needles.email };
}

async function landed(d: Awaited<ReturnType<typeof deploy>>, n: number) {
  await eventually(
    'events in ClickHouse',
    async () => Number((await d.warehouse.query<{ events: string }>('events_count', { producer: null }))[0].events) >= n,
    60_000,
    200,
  );
}

/** Which of `needles` a byte search finds in each engine's files. */
function foundIn(stores: Record<string, string[]>, needles: readonly string[]): Record<string, string[]> {
  return Object.fromEntries(Object.entries(stores).map(([engine, roots]) => [engine, needles.filter((n) => anyFileContains(roots, n))]));
}
const NOWHERE = { kafka: [], redis: [], clickhouse: [] };

describe('personal data at rest on Kafka, Redis and ClickHouse', () => {
  it('PRIVACY_ENCRYPTION=off: the search finds the values in every engine (the control)', async () => {
    const tag = `${Date.now() % 1e7}`.padStart(7, '0');
    const d = await deploy('privoff', { PRIVACY_ENCRYPTION: 'off' });
    const c = conversation(tag);
    await d.post(c.events);
    await landed(d, 3);
    const files = await d.stores();
    const found = foundIn(files, c.needles);
    for (const [engine, list] of Object.entries(files)) {
      expect(list.flatMap(filesUnder).length, `${engine} files`).toBeGreaterThan(0);
      expect(found[engine], engine).not.toEqual([]);
    }
    expect(found.kafka).toEqual(c.needles);
  }, 120_000);

  it('encrypted (the default): no value in any engine before or after erasure; Kafka copies stop opening once erased', async () => {
    const tag = `${(Date.now() + 7) % 1e7}`.padStart(7, '1');
    const d = await deploy('privon', {});
    const c = conversation(tag);
    await d.post(c.events);
    await landed(d, 3);
    const search = await d.get<{ customers: Array<{ id: string; identifiers: string[] }> }>(`/v1/customers?email=${encodeURIComponent(c.email)}`);
    expect(search.customers).toHaveLength(1);
    const id = search.customers[0].id;
    expect(search.customers[0].identifiers).toContain(`email:${c.email}`);
    const timeline = await d.get<{ events: Array<{ properties: { text?: string } }> }>(`/v1/customers/${id}/timeline`);
    expect(timeline.events.map((e) => e.properties.text)).toContain(c.needles[2]);

    const before = await d.stores();
    expect(foundIn(before, c.needles)).toEqual(NOWHERE);
    const tokens = before.kafka.flatMap(filesUnder).flatMap((f) => readFileSync(f, 'latin1').match(/pd1\.\d+\.[A-Za-z0-9_-]+/g) ?? []);
    expect(tokens.length).toBeGreaterThan(0);
    const state = new RedisStateStore({ url: d.env.redisUrl, keyPrefix: `${d.ns}:` });
    const master = LocalMasterKeys.fromFile(join(d.dataDir, 'privacy-master-keys.json'));
    const opens = async () => {
      const ring = new DataKeyRing(new StateStoreDataKeyVault(state), master);
      let n = 0;
      for (const t of tokens) if ((await ring.decrypt(id, 'event', t).catch(() => null)) !== null) n++;
      return n;
    };
    try {
      expect(await opens()).toBeGreaterThan(0);
      const del = await fetch(`${d.running.url}/v1/customers/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      expect(del.status).toBe(202);
      const { job } = (await del.json()) as { job: string };
      await eventually('erasure done', async () => (await d.get<{ status: string }>(`/v1/privacy/erasures/${job}`)).status === 'done', 120_000, 250);
      expect(foundIn(await d.stores(), c.needles)).toEqual(NOWHERE);
      expect(await opens()).toBe(0);
    } finally {
      await state.close();
    }
  }, 240_000);
});
