import { afterEach, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../shared/envelope.js';
import { closedConversationKey } from '../../stream/sessions/open-conversation.js';
import { channelTestApp, fixture, SESSION_EXPIRY_MS, TEST_SECRETS, twilioSigned, type ChannelTestApp } from '../../test/support/channel-kit.js';
import { wechatSignature } from './wechat/wechat.js';
import { metaSignature } from './whatsapp/whatsapp-routes.js';

/**
 * SMS, WhatsApp and WeChat messages name no conversation: ingest joins each to
 * the customer's open one on that channel or opens one (docs/channels.md),
 * through the real adapters with the providers' own formats.
 */
let t: ChannelTestApp;
afterEach(async () => t?.close());

const HOUR = 3_600_000;

interface Channel {
  name: string;
  /** Posts the provider's message `n` (a fresh provider id per n) at the test clock's time. */
  post(n: number): Promise<void>;
}

const sms: Channel = {
  name: 'sms',
  async post(n) {
    const path = '/v1/channels/sms/twilio';
    const sid = `SM1f0e9d8c7b6a59483726150f4e3d2c${String(n).padStart(2, '0')}`;
    const body = fixture('twilio-sms-inbound.form').replace(/SM1f0e9d8c7b6a59483726150f4e3d2c1b/g, sid);
    const res = await t.app.inject({ method: 'POST', url: path, headers: twilioSigned(path, body), payload: body });
    expect(res.statusCode).toBe(200);
  },
};

const whatsapp: Channel = {
  name: 'whatsapp',
  async post(n) {
    // One message of the fixture (it holds three), with its own wamid and the clock's time.
    const doc = JSON.parse(fixture('whatsapp-messages.json')) as { entry: Array<{ changes: Array<{ value: { messages: Array<Record<string, unknown>> } }> }> };
    const value = doc.entry[0].changes[0].value;
    value.messages = [{ ...value.messages[0], id: `wamid.conv-test-${n}`, timestamp: String(Math.floor(t.clock.now() / 1000)) }];
    const raw = JSON.stringify(doc);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/channels/whatsapp',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(TEST_SECRETS.whatsappAppSecret, raw) },
      payload: raw,
    });
    expect(res.statusCode).toBe(200);
  },
};

const wechat: Channel = {
  name: 'wechat',
  async post(n) {
    const xml = fixture('wechat-text.xml')
      .replace('<MsgId>24411234567890123456</MsgId>', `<MsgId>244112345678901234${String(n).padStart(2, '0')}</MsgId>`)
      .replace('<CreateTime>1767340800</CreateTime>', `<CreateTime>${Math.floor(t.clock.now() / 1000)}</CreateTime>`);
    const [ts, nonce] = ['1767340800', '1320562335'];
    const url = `/v1/channels/wechat?signature=${wechatSignature(TEST_SECRETS.wechatToken, ts, nonce)}&timestamp=${ts}&nonce=${nonce}&openid=oUpF8uMuAJO_M2pxb1Q9zNjWeS6o`;
    const res = await t.app.inject({ method: 'POST', url, headers: { 'content-type': 'text/xml' }, payload: xml });
    expect([res.statusCode, res.body]).toEqual([200, 'success']);
  },
};

const messages = (ev: EventEnvelope[]) => ev.filter((e) => e.type === 'message.received');
const starts = (ev: EventEnvelope[]) => ev.filter((e) => e.type === 'conversation.started');

describe.each([sms, whatsapp, wechat])('$name messages get a conversation at ingest', (ch) => {
  it('opens one with exactly one conversation.started before the message; the next message within the window joins it', async () => {
    t = await channelTestApp();
    await ch.post(1);
    const [start, first] = t.events();
    expect(start).toMatchObject({
      type: 'conversation.started',
      channel: ch.name,
      conversation_id: expect.stringMatching(new RegExp(`^${ch.name}:`)),
      id: `${first.id}:start`,
    });
    expect(first).toMatchObject({ type: 'message.received', channel: ch.name, conversation_id: start.conversation_id, customer_key: start.customer_key });
    t.clock.advance(HOUR);
    await ch.post(2);
    const ev = t.events();
    expect(starts(ev)).toHaveLength(1);
    expect(messages(ev).map((e) => e.conversation_id)).toEqual([start.conversation_id, start.conversation_id]);
  });

  it('a replayed webhook (same provider id) creates nothing new', async () => {
    t = await channelTestApp();
    await ch.post(1);
    await ch.post(1);
    t.clock.advance(HOUR / 2); // within the ingest dedup TTL (1 h in the test app)
    await ch.post(1);
    expect(t.events().map((e) => e.type)).toEqual(['conversation.started', 'message.received']);
  });

  it('after SESSION_EXPIRY_MIN without a message, the next one opens a new conversation', async () => {
    t = await channelTestApp();
    await ch.post(1);
    t.clock.advance(SESSION_EXPIRY_MS + 1000);
    await ch.post(2);
    const ev = t.events();
    expect(ev.map((e) => e.type)).toEqual(['conversation.started', 'message.received', 'conversation.started', 'message.received']);
    expect(ev[2].conversation_id).not.toBe(ev[0].conversation_id);
    expect(ev[3].conversation_id).toBe(ev[2].conversation_id);
  });

  it('after a close, the next message opens a new conversation even within the window', async () => {
    t = await channelTestApp();
    await ch.post(1);
    // What the routing desk (console close) and an ingested conversation.closed leave behind.
    await t.state.set(closedConversationKey(t.events()[0].conversation_id!), '1');
    t.clock.advance(60_000);
    await ch.post(2);
    const ev = t.events();
    expect(starts(ev)).toHaveLength(2);
    expect(new Set(messages(ev).map((e) => e.conversation_id)).size).toBe(2);
  });
});

describe('conversations per channel and customer', () => {
  it('the same phone on WhatsApp and SMS has one conversation per channel', async () => {
    t = await channelTestApp();
    await whatsapp.post(1);
    await sms.post(1);
    const ev = t.events();
    expect(new Set(ev.map((e) => e.customer_key))).toEqual(new Set(['phone:+8613800138000']));
    expect(starts(ev).map((e) => e.channel)).toEqual(['whatsapp', 'sms']);
  });

  it('one delivery with several messages opens one conversation they all join', async () => {
    t = await channelTestApp();
    const raw = fixture('whatsapp-messages.json');
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/channels/whatsapp',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(TEST_SECRETS.whatsappAppSecret, raw) },
      payload: raw,
    });
    expect(res.json()).toEqual({ accepted: 3, duplicates: 0 });
    const ev = t.events();
    expect(ev.map((e) => e.type)).toEqual(['conversation.started', 'message.received', 'message.received', 'message.received']);
    expect(new Set(ev.map((e) => e.conversation_id)).size).toBe(1);
  });

  it('a closed conversation that came through ingest (another producer) ends the open one', async () => {
    t = await channelTestApp();
    await sms.post(1);
    const conv = t.events()[0].conversation_id!;
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/channels/app/events',
      headers: { authorization: 'Bearer ingest-key-for-channel-tests-0001' },
      payload: { anonymous_id: 'a1', events: [{ id: 'close-1', type: 'conversation.closed', occurred_at: t.clock.now(), conversation_id: conv }] },
    });
    expect(res.statusCode).toBeLessThan(300);
    expect(await t.state.get(closedConversationKey(conv))).toBe('1');
  });
});
