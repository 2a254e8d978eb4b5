import { afterEach, describe, expect, it } from 'vitest';
import { channelTestApp, fixture, TEST_SECRETS, type ChannelTestApp } from '../../../test/support/channel-kit.js';
import { parseWechatXml, wechatSignature, wechatTextReply } from './wechat.js';

let t: ChannelTestApp;
afterEach(async () => t?.close());

const qs = (extra = '', token: string = TEST_SECRETS.wechatToken) => {
  const timestamp = '1767340800';
  const nonce = '1320562335';
  return `/v1/channels/wechat?signature=${wechatSignature(token, timestamp, nonce)}&timestamp=${timestamp}&nonce=${nonce}&openid=oUpF8uMuAJO_M2pxb1Q9zNjWeS6o${extra}`;
};
const xml = { 'content-type': 'text/xml' };

describe('WeChat Official Account webhook', () => {
  it('echoes echostr on a signed GET and refuses a bad signature', async () => {
    t = await channelTestApp();
    const ok = await t.app.inject({ url: qs('&echostr=5837397749880289283') });
    expect([ok.statusCode, ok.body]).toEqual([200, '5837397749880289283']);
    const bad = await t.app.inject({ url: qs('&echostr=1', 'not-the-token') });
    expect([bad.statusCode, bad.json().code]).toEqual([401, 'ING_ERR_BAD_SIGNATURE']);
  });

  it('maps a Chinese text message with its 64-bit MsgId intact and answers "success"', async () => {
    t = await channelTestApp();
    const res = await t.app.inject({ method: 'POST', url: qs(), headers: xml, payload: fixture('wechat-text.xml') });
    expect([res.statusCode, res.body]).toEqual([200, 'success']);
    expect(t.events()[0]).toMatchObject({ type: 'conversation.started', conversation_id: 'wechat:24411234567890123456' });
    expect(t.events()[1]).toMatchObject({
      id: '24411234567890123456',
      conversation_id: 'wechat:24411234567890123456',
      type: 'message.received',
      channel: 'wechat',
      customer_key: 'ch:wechat:oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
      occurred_at: 1767340800_000,
      properties: { text: '你好，请问有优惠吗？' },
    });
  });

  it('maps subscribe to a touchpoint with a passive welcome reply and CLICK to message.received', async () => {
    t = await channelTestApp({ wechatWelcome: '欢迎关注！回复"价格"了解套餐' });
    const sub = await t.app.inject({ method: 'POST', url: qs(), headers: xml, payload: fixture('wechat-subscribe.xml') });
    const reply = parseWechatXml(sub.body)!;
    expect(reply).toMatchObject({
      ToUserName: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
      FromUserName: 'gh_0123456789ab',
      MsgType: 'text',
      Content: '欢迎关注！回复"价格"了解套餐',
    });
    await t.app.inject({ method: 'POST', url: qs(), headers: xml, payload: fixture('wechat-click.xml') });
    expect(t.events().map((e) => [e.type, e.properties.step ?? e.properties.menu_key])).toEqual([
      ['touchpoint', 'wechat_subscribe'],
      // A menu click is the customer writing: it opens a conversation like a text does.
      ['conversation.started', undefined],
      ['message.received', 'V1001_PRICING'],
    ]);
  });

  it('refuses malformed XML with 400 and a bad POST signature with 401, keeping both', async () => {
    t = await channelTestApp();
    const res = await t.app.inject({ method: 'POST', url: qs(), headers: xml, payload: fixture('wechat-malformed.xml') });
    expect([res.statusCode, res.json().code]).toEqual([400, 'ING_ERR_BAD_PAYLOAD']);
    const bad = await t.app.inject({ method: 'POST', url: qs('', 'wrong'), headers: xml, payload: fixture('wechat-text.xml') });
    expect(bad.statusCode).toBe(401);
    expect(t.rejected().map((r) => r.code)).toEqual(['ING_ERR_BAD_PAYLOAD', 'ING_ERR_BAD_SIGNATURE']);
    expect(t.rejected()[1].payload).toContain('你好，请问有优惠吗？');
  });

  it('answers 413 when oversize and 429 with Retry-After on floods', async () => {
    t = await channelTestApp({ maxBodyBytes: 512, ratePerSecond: 1, rateBurst: 2 });
    const big = `<xml><Content>${'长'.repeat(400)}</Content></xml>`;
    expect((await t.app.inject({ method: 'POST', url: qs(), headers: xml, payload: big })).statusCode).toBe(413);
    const r = await t.app.inject({ method: 'POST', url: qs(), headers: xml, payload: fixture('wechat-text.xml') });
    const flood = await t.app.inject({ method: 'POST', url: qs(), headers: xml, payload: fixture('wechat-text.xml') });
    expect([r.statusCode, flood.statusCode, flood.headers['retry-after']]).toEqual([200, 429, '1']);
  });

  it('escapes ]]> in passive replies', () => {
    const out = wechatTextReply({ FromUserName: 'o1', ToUserName: 'gh' }, 'a]]>b', 0);
    expect(parseWechatXml(out)?.Content).toBe('a]]>b');
  });
});
