import { afterEach, describe, expect, it } from 'vitest';
import { channelTestApp, fixture, TEST_SECRETS, type ChannelTestApp } from '../../../test/support/channel-kit.js';
import { metaSignature } from './whatsapp-routes.js';
import { mapMetaWebhook } from './whatsapp-map.js';

let t: ChannelTestApp;
afterEach(async () => t?.close());

const URL_ = '/v1/channels/whatsapp';
const signed = (raw: string, secret: string = TEST_SECRETS.whatsappAppSecret) => ({
  'content-type': 'application/json',
  'x-hub-signature-256': metaSignature(secret, Buffer.from(raw, 'utf8')),
});

describe('WhatsApp Cloud API webhook', () => {
  it('answers the verify handshake only with the right token', async () => {
    t = await channelTestApp();
    const ok = await t.app.inject({ url: `${URL_}?hub.mode=subscribe&hub.verify_token=${TEST_SECRETS.whatsappVerifyToken}&hub.challenge=1158201444` });
    expect([ok.statusCode, ok.body]).toEqual([200, '1158201444']);
    const bad = await t.app.inject({ url: `${URL_}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1158201444` });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().code).toBe('ING_ERR_BAD_SIGNATURE');
  });

  it('maps text (Chinese), button replies and media placeholders to message.received for one customer', async () => {
    t = await channelTestApp();
    const raw = fixture('whatsapp-messages.json');
    const res = await t.app.inject({ method: 'POST', url: URL_, headers: signed(raw), payload: raw });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ accepted: 3, duplicates: 0 });
    // Ingest opens the conversation the webhook names none of (conversations.test.ts).
    const [start, ...ev] = t.events();
    expect(start.type).toBe('conversation.started');
    expect(ev.map((e) => e.type)).toEqual(['message.received', 'message.received', 'message.received']);
    expect(new Set(ev.map((e) => e.customer_key))).toEqual(new Set(['phone:+8613800138000']));
    expect(ev[0].properties).toMatchObject({ text: '你好，我想了解一下企业版的价格', profile_name: '王小明' });
    expect(ev[0].occurred_at).toBe(1767340700_000);
    expect(ev[1].properties).toMatchObject({ reply: { kind: 'button_reply', id: 'plan_enterprise', title: 'Enterprise' } });
    expect(ev[2].properties).toMatchObject({ text: '[image]', media: { type: 'image', id: '1234567890123456' } });
    const again = await t.app.inject({ method: 'POST', url: URL_, headers: signed(raw), payload: raw });
    expect(again.json()).toEqual({ accepted: 0, duplicates: 3 });
  });

  it('maps statuses (delivered, failed) to message.sent status updates', async () => {
    t = await channelTestApp();
    const raw = fixture('whatsapp-statuses.json');
    await t.app.inject({ method: 'POST', url: URL_, headers: signed(raw), payload: raw });
    expect(t.events().map((e) => e.properties.delivery_status)).toEqual(['delivered', 'failed']);
    expect(t.events()[1].properties.errors).toEqual([{ code: 131047, title: 'Re-engagement message' }]);
  });

  it('verifies the signature on the raw bytes: re-serialised JSON fails', async () => {
    t = await channelTestApp();
    const raw = fixture('whatsapp-messages.json');
    const spaced = JSON.stringify(JSON.parse(raw), null, 1);
    const res = await t.app.inject({ method: 'POST', url: URL_, headers: signed(raw), payload: spaced });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('ING_ERR_BAD_SIGNATURE');
    expect(t.rejected()[0]).toMatchObject({ source: 'whatsapp', code: 'ING_ERR_BAD_SIGNATURE' });
    const none = await t.app.inject({ method: 'POST', url: URL_, headers: { 'content-type': 'application/json' }, payload: raw });
    expect(none.statusCode).toBe(401);
  });

  it('refuses truncated JSON and foreign objects with 400 and keeps them', async () => {
    t = await channelTestApp();
    const raw = fixture('whatsapp-truncated.json.txt');
    const res = await t.app.inject({ method: 'POST', url: URL_, headers: signed(raw), payload: raw });
    expect([res.statusCode, res.json().code]).toEqual([400, 'ING_ERR_BAD_PAYLOAD']);
    const other = '{"object":"instagram_story","entry":[]}';
    const res2 = await t.app.inject({ method: 'POST', url: URL_, headers: signed(other), payload: other });
    expect([res2.statusCode, res2.json().code]).toEqual([400, 'ING_ERR_BAD_PAYLOAD']);
    expect(t.rejected().map((r) => [r.code, r.payload])).toEqual([
      ['ING_ERR_BAD_PAYLOAD', raw],
      ['ING_ERR_BAD_PAYLOAD', other],
    ]);
  });

  it('answers oversize with 413, floods with 429 + Retry-After, and 503 without an app secret', async () => {
    t = await channelTestApp({ maxBodyBytes: 2048, ratePerSecond: 0.5, rateBurst: 2 });
    const big = JSON.stringify({ object: 'whatsapp_business_account', entry: [], pad: 'x'.repeat(4096) });
    const res = await t.app.inject({ method: 'POST', url: URL_, headers: signed(big), payload: big });
    expect([res.statusCode, res.json().code]).toEqual([413, 'ING_ERR_BODY_TOO_LARGE']);
    const small = '{"object":"whatsapp_business_account","entry":[]}';
    const r2 = await t.app.inject({ method: 'POST', url: URL_, headers: signed(small), payload: small });
    const r3 = await t.app.inject({ method: 'POST', url: URL_, headers: signed(small), payload: small });
    expect([r2.statusCode, r3.statusCode]).toEqual([200, 429]);
    expect(r3.headers['retry-after']).toBe('2');
    await t.close();
    t = await channelTestApp({ whatsappAppSecret: undefined });
    const off = await t.app.inject({ method: 'POST', url: URL_, headers: signed(small), payload: small });
    expect([off.statusCode, off.json().code]).toEqual([503, 'ING_ERR_CHANNEL_DISABLED']);
  });

  it('maps Messenger page events to channel messenger', () => {
    const r = mapMetaWebhook(
      {
        object: 'page',
        entry: [
          {
            id: 'p',
            time: 1,
            messaging: [{ sender: { id: 'PSID1' }, recipient: { id: 'p' }, timestamp: 1767340700000, message: { mid: 'm_1', text: '在吗' } }],
          },
        ],
      },
      0,
    );
    expect(r).toMatchObject({
      ok: true,
      events: [{ id: 'm_1', channel: 'messenger', customer: { channel_ids: { messenger: 'PSID1' } }, properties: { text: '在吗' } }],
    });
  });
});
