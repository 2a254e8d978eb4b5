import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAccess } from '../../../test/support/access.js';
import { systemClock } from '../../../shared/clock.js';
import type { Warehouse } from '../../../shared/ports/warehouse.js';
import { RedisStateStore } from '../../../stream/state/redis-state-store.js';
import { eventually, requireEngine, sleep, uniqueName } from '../../../test/contracts/engines.js';
import { buildTestApp } from '../../../test/support/app.js';
import { startTestOmnilane, type TestOmnilane } from '../../../test/support/omnilane.js';
import { personalDataFor, sharedPrivacyKeys } from '../../../test/support/privacy-keys.js';
import { ConversationLog } from './conversation-log.js';
import { RedisHub } from './redis-hub.js';
import { TestVisitor, type Frame } from './ws-test-client.js';

const ORIGIN = 'http://shop.test';
const KEY = 'pk_test_12345678';
const HOUR = 3600_000;

// Two ingest "processes" in one test: each its own data dir, bus and warehouse, sharing one Redis namespace.
let ns: string;
const keys = sharedPrivacyKeys();
let redisUrl: string;
let a: TestOmnilane;
let b: TestOmnilane;
let admin: Redis;
const open: TestVisitor[] = [];

beforeAll(async () => {
  redisUrl = requireEngine('redis').redisUrl;
  ns = uniqueName('wchub');
  const env = { REDIS_URL: redisUrl, OMNILANE_NAMESPACE: ns, WEBCHAT_SITE_KEYS: `${KEY}@${ORIGIN}`, WEBCHAT_REPLAY_HOURS: '1', ...keys };
  [a, b] = await Promise.all([startTestOmnilane(env), startTestOmnilane(env)]);
  admin = new Redis(redisUrl);
});

afterAll(async () => {
  for (const v of open) v.close();
  await Promise.all([a?.cleanup(), b?.cleanup()]);
  const store = new RedisStateStore({ url: redisUrl, keyPrefix: `${ns}:` });
  await store.clearPrefix().catch(() => undefined);
  await store.close();
  await admin?.quit();
});

async function visitor(url: string): Promise<TestVisitor> {
  const v = await TestVisitor.connect(url, ORIGIN);
  open.push(v);
  return v;
}

async function hello(v: TestVisitor, visitorId: string, conversationId?: string): Promise<string> {
  v.send({ type: 'hello', site_key: KEY, visitor_id: visitorId, ...(conversationId ? { conversation_id: conversationId, last_seq: 0 } : {}) });
  return (await v.next((f) => f.type === 'welcome')).conversation_id as string;
}

const count = (v: TestVisitor, pred: (f: Frame) => boolean) => v.frames.filter(pred).length;
const agentMessage = (seq: number) => (f: Frame) => f.type === 'message' && f.seq === seq;

/** The web chat subscriber connections of this namespace that are subscribed to at least one channel. */
async function liveSubscribers(): Promise<Array<{ id: string; sub: number }>> {
  const list = (await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub')) as string;
  return list
    .split('\n')
    .map((line) =>
      Object.fromEntries(
        line
          .trim()
          .split(' ')
          .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
      ),
    )
    .filter((c) => c.name === `omnilane-${ns}-webchat-sub` && Number(c.sub) > 0)
    .map((c) => ({ id: c.id, sub: Number(c.sub) }));
}

describe('web chat over the Redis hub (two processes)', () => {
  it('pushes an agent reply, typing and read posted to B live to a socket on A, exactly once', async () => {
    const onA = await visitor(a.url);
    const conv = await hello(onA, 'visitor-hub11111');
    const tabOnB = await visitor(b.url);
    await hello(tabOnB, 'visitor-hub11111', conv);
    // Both processes now hold the conversation's channel.
    await eventually(
      'both processes subscribed',
      async () => ((await admin.call('PUBSUB', 'NUMSUB', `${ns}:wc:{${conv}}`)) as [string, number])[1] === 2,
      5000,
    );

    const res = await b.post(`/v1/conversations/${conv}/messages`, { text: '有货，今天发货', client_msg_id: 'r1' }, await b.actingKey('agent-7'));
    expect(res.status).toBe(201);
    expect(await onA.next(agentMessage(1))).toMatchObject({ from: 'agent', text: '有货，今天发货', agent_id: 'agent-7' });
    await tabOnB.next(agentMessage(1));

    expect((await b.post(`/v1/conversations/${conv}/typing`, {}, await b.actingKey('agent-7'))).status).toBe(204);
    expect(await onA.next((f) => f.type === 'typing' && f.from === 'agent')).toMatchObject({ agent_id: 'agent-7' });
    expect((await b.post(`/v1/conversations/${conv}/read`, { seq: 1 }, await b.actingKey('agent-7'))).status).toBe(204);
    expect(await onA.next((f) => f.type === 'read' && f.from === 'agent')).toMatchObject({ seq: 1 });

    // A visitor message on A reaches the other tab on B; the sender's own process delivers it once, not echoed back.
    onA.send({ type: 'message', client_msg_id: 'q1', text: 'great, thanks' });
    expect(await onA.next((f) => f.type === 'ack' && f.client_msg_id === 'q1')).toMatchObject({ seq: 2 });
    expect(await tabOnB.next(agentMessage(2))).toMatchObject({ from: 'visitor', text: 'great, thanks' });
    onA.send({ type: 'typing' });
    await tabOnB.next((f) => f.type === 'typing' && f.from === 'visitor');
    // Agent typing published on A itself: local delivery only, the Redis echo is skipped.
    expect((await a.post(`/v1/conversations/${conv}/typing`, {}, await a.actingKey('agent-9'))).status).toBe(204);
    await onA.next((f) => f.type === 'typing' && f.agent_id === 'agent-9');

    await sleep(300);
    for (const v of [onA, tabOnB]) {
      expect(count(v, agentMessage(1))).toBe(1);
      expect(count(v, agentMessage(2))).toBe(1);
      expect(count(v, (f) => f.type === 'typing' && f.agent_id === 'agent-9')).toBe(1);
    }
    expect(count(onA, (f) => f.type === 'typing' && f.agent_id === 'agent-7')).toBe(1);
    expect(count(onA, (f) => f.type === 'read' && f.from === 'agent')).toBe(1);
    expect(count(tabOnB, (f) => f.type === 'typing' && f.from === 'visitor')).toBe(1);

    // The last socket of a conversation gone, its process unsubscribes.
    onA.close();
    tabOnB.close();
    await eventually('both processes unsubscribed', async () => (await liveSubscribers()).length === 0, 5000);
  });

  describe('after the subscriber connection drops', () => {
    // A third process with its own hub, built so its reconnect waits long enough to send a message meanwhile.
    let c: FastifyInstance;
    let cUrl: string;
    let store: RedisStateStore;
    let hub: RedisHub;

    beforeAll(async () => {
      store = new RedisStateStore({ url: redisUrl, keyPrefix: `${ns}:` });
      const conversations = new ConversationLog({
        state: store,
        clock: systemClock,
        replayMs: HOUR,
        conversationTtlMs: HOUR,
        personal: personalDataFor(keys, store),
      });
      hub = new RedisHub({ url: redisUrl, namespace: ns, catchUp: (id, after) => conversations.after(id, after), retryDelayMs: () => 1500 });
      c = await buildTestApp(
        { warehouse: {} as Warehouse, clock: systemClock, access: await testAccess([]) },
        { webchat: { state: store, siteKeys: [{ key: KEY, origins: [ORIGIN] }], replayMs: HOUR, hub, personal: personalDataFor(keys, store) } },
      );
      cUrl = (await c.listen({ port: 0, host: '127.0.0.1' })).replace('[::1]', 'localhost');
    });
    afterAll(async () => {
      await c?.close();
      await hub?.close();
      await store?.close();
    });

    it('resubscribes and delivers the message sent meanwhile from the log, exactly once', async () => {
      const onC = await visitor(cUrl);
      const conv = await hello(onC, 'visitor-hub22222');
      await eventually('C subscribed', async () => (await liveSubscribers()).length === 1, 5000);
      const [before] = await liveSubscribers();

      await admin.call('CLIENT', 'KILL', 'ID', before.id);
      // Redis dropped the subscription with the connection: this PUBLISH reaches no one on C.
      expect(
        (await b.post(`/v1/conversations/${conv}/messages`, { text: 'sent while you were away', client_msg_id: 'm1' }, await b.actingKey('agent-7'))).status,
      ).toBe(201);
      expect(((await admin.call('PUBSUB', 'NUMSUB', `${ns}:wc:{${conv}}`)) as [string, number])[1]).toBe(0);
      expect(hub.resubscribes).toBe(0);
      expect(count(onC, agentMessage(1))).toBe(0);

      expect(await onC.next(agentMessage(1), 10_000)).toMatchObject({ from: 'agent', text: 'sent while you were away' });
      expect(hub.resubscribes).toBe(1);
      const [after] = await liveSubscribers();
      expect(after.id).not.toBe(before.id);

      // Live again: the next reply arrives as a push.
      expect(
        (await b.post(`/v1/conversations/${conv}/messages`, { text: 'and this one live', client_msg_id: 'm2' }, await b.actingKey('agent-7'))).status,
      ).toBe(201);
      expect(await onC.next(agentMessage(2))).toMatchObject({ text: 'and this one live' });
      await sleep(300);
      expect(count(onC, agentMessage(1))).toBe(1);
      expect(count(onC, agentMessage(2))).toBe(1);
      expect(onC.messages().map((m) => m.seq)).toEqual([1, 2]);
    });
  });
});
