import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestOmnilane, type TestOmnilane } from '../../../test/support/omnilane.js';
import { TestVisitor, type Frame } from './ws-test-client.js';

const ORIGIN = 'http://shop.test';
const KEY = 'pk_test_12345678';
let om: TestOmnilane;
const open: TestVisitor[] = [];

beforeAll(async () => {
  om = await startTestOmnilane({ WEBCHAT_SITE_KEYS: `${KEY}@${ORIGIN}|http://other.test`, WEBCHAT_REPLAY_HOURS: '1' });
});
afterAll(async () => {
  for (const v of open) v.close();
  await om?.cleanup();
});

async function visitor(origin = ORIGIN): Promise<TestVisitor> {
  const v = await TestVisitor.connect(om.url, origin);
  open.push(v);
  return v;
}

async function hello(v: TestVisitor, visitorId: string, conversationId?: string, lastSeq?: number): Promise<Frame> {
  v.send({
    type: 'hello',
    site_key: KEY,
    visitor_id: visitorId,
    ...(conversationId ? { conversation_id: conversationId } : {}),
    ...(lastSeq !== undefined ? { last_seq: lastSeq } : {}),
  });
  return v.next((f) => f.type === 'welcome');
}

const ack = (v: TestVisitor, id: string) => v.next((f) => f.type === 'ack' && f.client_msg_id === id);
/** Replies are recorded under the caller: a key that acts as roster member agent-7. */
let agent7 = '';
const reply = async (conv: string, text: string, client_msg_id?: string) =>
  om.post(`/v1/conversations/${conv}/messages`, { text, ...(client_msg_id ? { client_msg_id } : {}) }, (agent7 ||= await om.actingKey('agent-7')));

describe('web chat socket', () => {
  it('resumes after a cut: no lost and no duplicated message, each event stored once', async () => {
    const a = await visitor();
    const w = await hello(a, 'visitor-aaaa1111');
    const conv = w.conversation_id as string;
    expect(w.seq).toBe(0);
    a.send({ type: 'message', client_msg_id: 'm1', text: '你好，我想了解价格' });
    a.send({ type: 'message', client_msg_id: 'm2', text: 'second' });
    expect((await ack(a, 'm1')).seq).toBe(1);
    expect((await ack(a, 'm2')).seq).toBe(2);
    a.send({ type: 'message', client_msg_id: 'm3', text: 'third, maybe lost' });
    a.cut();

    const b = await visitor();
    const w2 = await hello(b, 'visitor-aaaa1111', conv, 2);
    expect(w2.conversation_id).toBe(conv);
    // The client still holds m2 (acked) and m3 (unacked) in its queue: resending both is harmless.
    b.send({ type: 'message', client_msg_id: 'm2', text: 'second' });
    b.send({ type: 'message', client_msg_id: 'm3', text: 'third, maybe lost' });
    expect((await ack(b, 'm2')).seq).toBe(2);
    expect((await ack(b, 'm3')).seq).toBe(3);
    b.send({ type: 'message', client_msg_id: 'm4', text: 'fourth' });
    expect((await ack(b, 'm4')).seq).toBe(4);
    await b.next((f) => f.type === 'message' && f.seq === 4);
    const seqs = b.messages().map((m) => m.seq);
    expect(seqs).toEqual([...new Set(seqs)]);
    expect(seqs).toEqual([3, 4]);

    const c = await visitor();
    await hello(c, 'visitor-aaaa1111', conv, 0);
    await c.next((f) => f.type === 'message' && f.seq === 4);
    expect(c.messages().map((m) => [m.seq, m.text])).toEqual([
      [1, '你好，我想了解价格'],
      [2, 'second'],
      [3, 'third, maybe lost'],
      [4, 'fourth'],
    ]);

    await om.drained();
    const rows = await om.engines.warehouse.query<{ id: string; type: string; channel: string; customer_key: string }>('journey_events', {
      from_ms: 0,
      to_ms: Date.now() + 3600_000,
      types: ['conversation.started', 'message.received'],
    });
    const mine = rows.filter((r) => r.id.startsWith(`wc:${conv}:`));
    expect(mine.map((r) => r.type).sort()).toEqual(['conversation.started', 'message.received', 'message.received', 'message.received', 'message.received']);
    expect(new Set(mine.map((r) => r.id)).size).toBe(5);
    // One customer (the identity step may resolve anon:visitor-… to its own customer id).
    expect(mine.every((r) => r.channel === 'web')).toBe(true);
    expect(new Set(mine.map((r) => r.customer_key)).size).toBe(1);
  });

  it('delivers agent replies to every open tab and, via replay, to a visitor who was away', async () => {
    const t1 = await visitor();
    const conv = (await hello(t1, 'visitor-bbbb2222')).conversation_id as string;
    const t2 = await visitor('http://other.test');
    await hello(t2, 'visitor-bbbb2222', conv, 0);
    t1.send({ type: 'message', client_msg_id: 'q1', text: 'is it in stock?' });
    await ack(t1, 'q1');
    t1.send({ type: 'typing' });
    t1.send({ type: 'read', seq: 1 });

    const res = await reply(conv, '有货，今天发货', 'r1');
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ conversation_id: conv, channel: 'web', provider_id: `${conv}#2`, event_id: `msg:${conv}:r1` });
    for (const t of [t1, t2]) {
      expect(await t.next((f) => f.type === 'message' && f.from === 'agent')).toMatchObject({ seq: 2, text: '有货，今天发货', agent_id: 'agent-7' });
    }
    expect((await reply(conv, '有货，今天发货', 'r1')).status).toBe(201);
    expect((await om.post(`/v1/conversations/${conv}/typing`, {}, agent7)).status).toBe(204);
    expect(await t2.next((f) => f.type === 'typing' && f.from === 'agent')).toMatchObject({ agent_id: 'agent-7' });
    expect((await om.post(`/v1/conversations/${conv}/read`, { seq: 1 }, agent7)).status).toBe(204);
    expect(await t1.next((f) => f.type === 'read' && f.from === 'agent')).toMatchObject({ seq: 1 });
    expect((await om.post('/v1/conversations/wc_nope/typing', {}, om.adminKey)).status).toBe(404);

    t1.cut();
    t2.cut();
    expect((await reply(conv, 'anything else?', 'r2')).status).toBe(201);
    const back = await visitor();
    const w = await hello(back, 'visitor-bbbb2222', conv, 2);
    expect(w.seq).toBe(3);
    expect(await back.next((f) => f.type === 'message')).toMatchObject({ seq: 3, from: 'agent', text: 'anything else?' });
    await om.drained();
    const rows = await om.engines.warehouse.query<{ id: string }>('journey_events', { from_ms: 0, to_ms: Date.now() + 3600_000, types: ['message.sent'] });
    expect(
      rows
        .filter((r) => r.id.startsWith(`msg:${conv}:`))
        .map((r) => r.id)
        .sort(),
    ).toEqual([`msg:${conv}:r1`, `msg:${conv}:r2`]);
  });

  it('answers agent replies to unknown conversations with 404 and requires an admin key', async () => {
    expect((await reply('wc_nope', 'hi')).status).toBe(404);
    const res = await om.post('/v1/conversations/wc_nope/messages', { text: 'hi', agent_id: 'a' });
    expect(res.status).toBe(403);
  });

  it("gives a fresh conversation to someone presenting another visitor's conversation id", async () => {
    const a = await visitor();
    const conv = (await hello(a, 'visitor-cccc3333')).conversation_id as string;
    const eve = await visitor();
    const w = await hello(eve, 'visitor-eeee9999', conv, 0);
    expect(w.conversation_id).not.toBe(conv);
    expect(w.seq).toBe(0);
  });

  it('closes sockets with a code and reason for bad keys, origins, payloads and floods', async () => {
    const badKey = await visitor();
    badKey.send({ type: 'hello', site_key: 'pk_unknown_1234', visitor_id: 'visitor-dddd4444' });
    expect(await badKey.waitClosed()).toMatchObject({ code: 4401, reason: expect.stringContaining('ING_ERR_UNAUTHORIZED') });

    const badOrigin = await visitor('https://evil.test');
    badOrigin.send({ type: 'hello', site_key: KEY, visitor_id: 'visitor-dddd4444' });
    expect(await badOrigin.waitClosed()).toMatchObject({ code: 4403 });

    const noHello = await visitor();
    noHello.send({ type: 'message', client_msg_id: 'x', text: 'hi' });
    expect(await noHello.waitClosed()).toMatchObject({ code: 4400, reason: expect.stringContaining('ING_ERR_BAD_PAYLOAD') });

    const big = await visitor();
    await hello(big, 'visitor-dddd4444');
    big.send({ type: 'message', client_msg_id: 'x1', text: 'y'.repeat(5000) });
    expect(await big.next((f) => f.type === 'error')).toMatchObject({ code: 'ING_ERR_BAD_PAYLOAD', client_msg_id: 'x1' });
    big.send(JSON.stringify({ type: 'message', client_msg_id: 'x2', text: 'z'.repeat(40_000) }));
    expect((await big.waitClosed()).code).toBe(1009);

    const flood = await visitor();
    await hello(flood, 'visitor-ffff5555');
    for (let i = 0; i < 60; i++) flood.send({ type: 'typing' });
    flood.send({ type: 'message', client_msg_id: 'late', text: 'hi' });
    expect((await flood.waitClosed()).code).toBe(4429);
  });
});
