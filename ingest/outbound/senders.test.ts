import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../../test/support/fake-provider.js';
import { EmailSender } from './email-sender.js';
import { ProviderError } from './http-retry.js';
import { manualClock } from '../../shared/clock.js';
import { SmsSender } from './sms-sender.js';
import { WechatSender } from './wechat-sender.js';
import { WhatsappSender } from './whatsapp-sender.js';

let fake: FakeProvider;
const sleeps: number[] = [];
const retry = { sleep: async (ms: number) => void sleeps.push(ms), baseDelayMs: 10 };
beforeEach(async () => {
  fake = await startFakeProvider();
  sleeps.length = 0;
});
afterEach(async () => fake.close());

const msg = (id: string, to: Record<string, string>) => ({ id, conversation_id: 'c1', channel: 'x', to, text: '您好，报价已发送', agent_id: 'agent-li' });

describe('outbound senders against a fake provider', () => {
  it('SMS: Twilio Messages API shape, basic auth, retries 5xx/429 with backoff, idempotent by id', async () => {
    const s = new SmsSender({ baseUrl: fake.url, accountSid: 'AC1', authToken: 'tok', from: '+14155550100', retry });
    fake.failNext(2, 503);
    const r = await s.send(msg('out-1', { phone: '+8613800138000' }));
    expect(r.provider_id).toBe('SMfake1');
    expect(fake.requests).toHaveLength(3);
    expect(sleeps).toEqual([10, 20]);
    const req = fake.requests[2];
    expect(req.url).toBe('/2010-04-01/Accounts/AC1/Messages.json');
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from('AC1:tok').toString('base64')}`);
    expect(req.headers['i-twilio-idempotency-token']).toBe('out-1');
    expect(Object.fromEntries(new URLSearchParams(req.body))).toEqual({ To: '+8613800138000', From: '+14155550100', Body: '您好，报价已发送' });
    expect(await s.send(msg('out-1', { phone: '+8613800138000' }))).toEqual(r);
    expect(fake.requests).toHaveLength(3);
    fake.failNext(1, 429, 3);
    await s.send(msg('out-2', { phone: '+8613800138000' }));
    expect(sleeps.at(-1)).toBe(3000);
  });

  it('gives up at once on 4xx and after the retries on persistent 5xx', async () => {
    const s = new SmsSender({ baseUrl: fake.url, accountSid: 'AC1', authToken: 'tok', from: '+1', retry: { ...retry, retries: 2 } });
    fake.failNext(1, 400);
    await expect(s.send(msg('bad', { phone: '+1' }))).rejects.toBeInstanceOf(ProviderError);
    expect(fake.requests).toHaveLength(1);
    fake.failNext(10, 500);
    await expect(s.send(msg('down', { phone: '+1' }))).rejects.toMatchObject({ status: 500 });
    expect(fake.requests).toHaveLength(4);
  });

  it('WhatsApp: Graph API messages shape with bearer token', async () => {
    const s = new WhatsappSender({ baseUrl: `${fake.url}/v21.0`, phoneNumberId: '106540352242922', accessToken: 'EAAG', retry });
    const r = await s.send(msg('out-3', { phone: '+8613800138000' }));
    expect(r.provider_id).toBe('wamid.fake1');
    expect(fake.requests[0].url).toBe('/v21.0/106540352242922/messages');
    expect(fake.requests[0].headers.authorization).toBe('Bearer EAAG');
    expect(JSON.parse(fake.requests[0].body)).toMatchObject({
      messaging_product: 'whatsapp',
      to: '8613800138000',
      type: 'text',
      text: { body: '您好，报价已发送' },
    });
  });

  it('email: threads the reply with In-Reply-To/References and a Message-ID from the outbound id', async () => {
    const s = new EmailSender({ baseUrl: fake.url, apiKey: 'SG.key', from: 'sales@omnilane.example.com', retry });
    const r = await s.send(msg('out-4', { email: 'lilei@example.cn', in_reply_to: '<CAFirst.0001@mail.example.cn>', subject: 'Re: 询价' }));
    expect(r.provider_id).toBe('<out-4@omnilane.example.com>');
    const body = JSON.parse(fake.requests[0].body);
    expect(fake.requests[0].url).toBe('/v3/mail/send');
    expect(body).toMatchObject({
      subject: 'Re: 询价',
      headers: { 'In-Reply-To': '<CAFirst.0001@mail.example.cn>', 'Message-ID': '<out-4@omnilane.example.com>' },
    });
  });
});

describe('WeChat Official Account customer-service sender against a fake provider', () => {
  const openid = 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o';
  const wechat = (clock = manualClock(Date.UTC(2026, 0, 2, 8))) =>
    new WechatSender({ baseUrl: `${fake.url}/`, appId: 'wx0123456789abcdef', appSecret: 'app-secret-1', clock, retry });
  const paths = () => fake.requests.map((r) => new URL(r.url, 'http://x').pathname.replace('/cgi-bin/', ''));

  it('fetches the token once, caches it until shortly before expires_in and sends Chinese text intact', async () => {
    const wx = fake.wechat();
    const clock = manualClock(Date.UTC(2026, 0, 2, 8));
    const s = wechat(clock);
    const r = await s.send(msg('wx-1', { wechat_openid: openid }));
    expect(r.provider_id).toBe('wx-1');
    await s.send(msg('wx-2', { wechat_openid: openid }));
    expect(paths()).toEqual(['token', 'message/custom/send', 'message/custom/send']);
    const tokenUrl = new URL(fake.requests[0].url, 'http://x');
    expect([fake.requests[0].method, Object.fromEntries(tokenUrl.searchParams)]).toEqual([
      'GET',
      { grant_type: 'client_credential', appid: 'wx0123456789abcdef', secret: 'app-secret-1' },
    ]);
    const send = fake.requests[1];
    expect(new URL(send.url, 'http://x').searchParams.get('access_token')).toBe('FAKE_TOKEN_1');
    // The raw bytes carry the characters themselves, not \u escapes.
    expect(send.body).toContain('您好，报价已发送');
    expect(JSON.parse(send.body)).toEqual({ touser: openid, msgtype: 'text', text: { content: '您好，报价已发送' } });
    expect(wx.sent).toEqual([
      { touser: openid, content: '您好，报价已发送' },
      { touser: openid, content: '您好，报价已发送' },
    ]);
    clock.advance(6_899_000);
    await s.send(msg('wx-3', { wechat_openid: openid }));
    expect(wx.tokens).toEqual(['FAKE_TOKEN_1']);
    clock.advance(2_000); // past expires_in − 300 s
    await s.send(msg('wx-4', { wechat_openid: openid }));
    expect(wx.tokens).toEqual(['FAKE_TOKEN_1', 'FAKE_TOKEN_2']);
    expect(new URL(fake.requests.at(-1)!.url, 'http://x').searchParams.get('access_token')).toBe('FAKE_TOKEN_2');
  });

  it('refreshes the token once on 40001 and resends; fails clearly when the new one is refused too', async () => {
    const wx = fake.wechat();
    const s = wechat();
    await s.send(msg('wx-1', { wechat_openid: openid }));
    wx.revokeTokens();
    await s.send(msg('wx-2', { wechat_openid: openid }));
    expect(paths()).toEqual(['token', 'message/custom/send', 'message/custom/send', 'token', 'message/custom/send']);
    expect(wx.tokens).toEqual(['FAKE_TOKEN_1', 'FAKE_TOKEN_2']);
    expect(wx.sent).toHaveLength(2);
    expect(sleeps).toEqual([]);
    fake.requests.length = 0;
    wx.errcodeNext(5, 42001, 'access_token expired');
    await expect(s.send(msg('wx-3', { wechat_openid: openid }))).rejects.toThrow(/after a refresh \(errcode 42001/);
    expect(paths()).toEqual(['message/custom/send', 'token', 'message/custom/send']);
  });

  it('treats 45015 (48-hour window closed) as permanent with a clear message', async () => {
    const wx = fake.wechat();
    const s = wechat();
    wx.errcodeNext(1, 45015, 'response out of time limit or subscription is canceled');
    const err = await s.send(msg('wx-late', { wechat_openid: openid })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ retryable: false, message: expect.stringMatching(/errcode 45015.*within 48 hours/) });
    expect(paths()).toEqual(['token', 'message/custom/send']);
    expect(sleeps).toEqual([]);
    wx.errcodeNext(1, 40003, 'invalid openid');
    await expect(s.send(msg('wx-bad', { wechat_openid: 'nobody' }))).rejects.toMatchObject({
      retryable: false,
      message: expect.stringContaining('errcode 40003'),
    });
  });

  it('retries errcode -1 (system busy) and HTTP 5xx with backoff, then gives up', async () => {
    const wx = fake.wechat();
    const s = new WechatSender({ baseUrl: fake.url, appId: 'wx1', appSecret: 'sec', clock: manualClock(0), retry: { ...retry, retries: 3 } });
    wx.errcodeNext(2, -1, 'system error');
    expect((await s.send(msg('wx-busy', { wechat: openid }))).provider_id).toBe('wx-busy');
    expect(paths()).toEqual(['token', 'message/custom/send', 'message/custom/send', 'message/custom/send']);
    expect(sleeps).toEqual([10, 20]);
    expect(wx.sent).toHaveLength(1);
    fake.requests.length = 0;
    sleeps.length = 0;
    fake.failNext(1, 502);
    await s.send(msg('wx-502', { wechat: openid }));
    expect(sleeps).toEqual([10]);
    wx.errcodeNext(10, -1);
    await expect(s.send(msg('wx-down', { wechat: openid }))).rejects.toMatchObject({ retryable: true, message: expect.stringContaining('system busy') });
    expect(await s.send(msg('wx-busy', { wechat: openid }))).toEqual({ provider_id: 'wx-busy' });
    await expect(s.send(msg('wx-none', {}))).rejects.toThrow(/no to.wechat_openid/);
  });
});
