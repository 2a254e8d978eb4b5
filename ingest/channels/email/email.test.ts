import { afterEach, describe, expect, it } from 'vitest';
import { channelTestApp, fixture, TEST_SECRETS, type ChannelTestApp } from '../../../test/support/channel-kit.js';
import { emailSignature } from './email-routes.js';
import { messageIds, parseHeaderBlock } from './email-thread.js';

let t: ChannelTestApp;
afterEach(async () => t?.close());

const URL_ = '/v1/channels/email/inbound';

/** A SendGrid Inbound Parse style multipart body, signed Mailgun-style. */
async function form(fields: Record<string, string>, opts: { key?: string; file?: { name: string; bytes: number } } = {}) {
  const fd = new FormData();
  const timestamp = '1767340500';
  const token = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5';
  const all = { ...fields, timestamp, token, signature: emailSignature(opts.key ?? TEST_SECRETS.emailSigningKey, timestamp, token) };
  for (const [k, v] of Object.entries(all)) fd.append(k, v);
  if (opts.file) fd.append('attachment1', new Blob([Buffer.alloc(opts.file.bytes, 1)], { type: 'application/pdf' }), opts.file.name);
  const req = new Request('http://x/', { method: 'POST', body: fd });
  return { headers: { 'content-type': req.headers.get('content-type')! }, payload: Buffer.from(await req.arrayBuffer()) };
}

const first = () =>
  form({
    headers: fixture('email-headers.txt'),
    from: '李雷 <LiLei@Example.CN>',
    to: 'sales@inbound.example.com',
    subject: '询价',
    text: '你好，请报价 200 个席位。',
    html: '<p>你好</p>',
    charsets: '{"subject":"UTF-8","text":"UTF-8"}',
    SPF: 'pass',
  });

describe('email inbound-parse webhook', () => {
  it('parses folded header blocks and message-id lists', () => {
    const h = parseHeaderBlock(fixture('email-reply-headers.txt'));
    expect(messageIds(h.references)).toEqual(['<CAFirst.0001@mail.example.cn>', '<agent-reply-0002@omnilane.example.com>']);
  });

  it('opens a conversation named by the first Message-ID and threads a reply into it', async () => {
    t = await channelTestApp();
    const a = await first();
    const res = await t.app.inject({ method: 'POST', url: URL_, ...a });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 2, conversation_id: 'email:CAFirst.0001@mail.example.cn' });
    const b = await form(
      { headers: fixture('email-reply-headers.txt'), from: 'lilei@example.cn', subject: 'Re: 询价', text: '好的，谢谢' },
      { file: { name: '合同.pdf', bytes: 2048 } },
    );
    const res2 = await t.app.inject({ method: 'POST', url: URL_, ...b });
    expect(res2.json()).toMatchObject({ accepted: 1, conversation_id: 'email:CAFirst.0001@mail.example.cn' });
    const ev = t.events();
    expect(ev.map((e) => [e.type, e.customer_key, e.conversation_id])).toEqual([
      ['conversation.started', 'email:lilei@example.cn', 'email:CAFirst.0001@mail.example.cn'],
      ['message.received', 'email:lilei@example.cn', 'email:CAFirst.0001@mail.example.cn'],
      ['message.received', 'email:lilei@example.cn', 'email:CAFirst.0001@mail.example.cn'],
    ]);
    expect(ev[1].properties).toMatchObject({ subject: '询价', text: '你好，请报价 200 个席位。', has_html: true });
    expect(ev[2].properties.attachments).toEqual([{ filename: '合同.pdf', type: 'application/pdf' }]);
    // A redelivery counts once.
    const again = await t.app.inject({ method: 'POST', url: URL_, ...(await first()) });
    expect(again.json()).toMatchObject({ accepted: 0, duplicates: 1 });
  });

  it('refuses a bad signature (401) and a missing Message-ID (400), keeping both', async () => {
    t = await channelTestApp();
    const bad = await t.app.inject({ method: 'POST', url: URL_, ...(await form({ from: 'a@b.cn', headers: fixture('email-headers.txt') }, { key: 'wrong' })) });
    expect([bad.statusCode, bad.json().code]).toEqual([401, 'ING_ERR_BAD_SIGNATURE']);
    const noId = await t.app.inject({ method: 'POST', url: URL_, ...(await form({ from: 'a@b.cn', headers: 'Subject: hi\n' })) });
    expect([noId.statusCode, noId.json().code]).toEqual([400, 'ING_ERR_BAD_PAYLOAD']);
    const notMultipart = await t.app.inject({ method: 'POST', url: URL_, headers: { 'content-type': 'application/json' }, payload: '{}' });
    expect([notMultipart.statusCode, notMultipart.json().code]).toEqual([400, 'ING_ERR_BAD_PAYLOAD']);
    expect(t.rejected().map((r) => [r.source, r.code])).toEqual([
      ['email', 'ING_ERR_BAD_SIGNATURE'],
      ['email', 'ING_ERR_BAD_PAYLOAD'],
    ]);
  });

  it('answers 413 for oversize attachments and 429 with Retry-After on floods', async () => {
    t = await channelTestApp({ maxBodyBytes: 1024, ratePerSecond: 1, rateBurst: 2 });
    const big = await form({ headers: fixture('email-headers.txt'), from: 'a@b.cn' }, { file: { name: 'big.pdf', bytes: 100_000 } });
    const res = await t.app.inject({ method: 'POST', url: URL_, ...big });
    expect([res.statusCode, res.json().code]).toEqual([413, 'ING_ERR_BODY_TOO_LARGE']);
    await t.app.inject({ method: 'POST', url: URL_, ...(await first()) });
    const flood = await t.app.inject({ method: 'POST', url: URL_, ...(await first()) });
    expect([flood.statusCode, flood.headers['retry-after'], flood.json().code]).toEqual([429, '1', 'ING_ERR_RATE_LIMITED']);
  });
});
