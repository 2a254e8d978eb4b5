import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../../test/support/fake-provider.js';
import { EmailSender } from './email-sender.js';
import { ProviderError } from './http-retry.js';
import { SmsSender } from './sms-sender.js';
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
    expect(JSON.parse(fake.requests[0].body)).toMatchObject({ messaging_product: 'whatsapp', to: '8613800138000', type: 'text', text: { body: '您好，报价已发送' } });
  });

  it('email: threads the reply with In-Reply-To/References and a Message-ID from the outbound id', async () => {
    const s = new EmailSender({ baseUrl: fake.url, apiKey: 'SG.key', from: 'sales@omnilane.example.com', retry });
    const r = await s.send(msg('out-4', { email: 'lilei@example.cn', in_reply_to: '<CAFirst.0001@mail.example.cn>', subject: 'Re: 询价' }));
    expect(r.provider_id).toBe('<out-4@omnilane.example.com>');
    const body = JSON.parse(fake.requests[0].body);
    expect(fake.requests[0].url).toBe('/v3/mail/send');
    expect(body).toMatchObject({ subject: 'Re: 询价', headers: { 'In-Reply-To': '<CAFirst.0001@mail.example.cn>', 'Message-ID': '<out-4@omnilane.example.com>' } });
  });
});
