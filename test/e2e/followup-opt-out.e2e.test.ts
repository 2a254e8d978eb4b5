import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../support/channel-kit.js';
import { metaSignature, twilioSignature, wechatSignature } from '../../ingest/channels/index.js';
import { TestVisitor } from '../../ingest/channels/webchat/ws-test-client.js';
import { eventually, sleep } from '../contracts/engines.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { startTestOmnilane, type TestOmnilane } from '../support/omnilane.js';

/**
 * The opt-out path on every channel, end to end through the real webhooks in
 * the providers' own payload formats (ingest/channels/fixtures): a follow-up
 * sequence runs, the customer answers STOP / 退订 / TD, unsubscribes on WeChat
 * or clicks the e-mail link, and the channel's consent is kept, the sequence
 * stops and nothing more goes out on that channel.
 */
const PUBLIC = 'https://omnilane.example.com';
const TWILIO_AUTH_TOKEN = 'e2e-twilio-auth-token-0123456789';
const WHATSAPP_APP_SECRET = 'e2e-whatsapp-app-secret';
const WECHAT_TOKEN = 'e2ewechattoken';
const SITE = 'pk_test_followup01';
const ORIGIN = 'http://shop.test';

const rules = {
  quiet_hours: null,
  frequency_cap: { max: 50, per_hours: 1 },
  links: { product_guide: { default: 'https://example.com/guide' } },
  rules: [{ id: 'any-lead', when: { idle_minutes: 0 }, sequence: 'nurture' }],
  sequences: [
    {
      id: 'nurture',
      steps: [
        { wait_minutes: 0, channels: ['same', 'email'], template: 'hello' },
        { wait_minutes: 0.05, channels: ['same', 'email'], template: 'hello' },
        { wait_minutes: 0.05, channels: ['same', 'email'], template: 'hello' },
      ],
    },
  ],
  templates: {
    hello: {
      zh: { subject: '产品资料', text: '{name}您好：{product_guide_url} {opt_out}' },
      en: { subject: 'Your guide', text: 'Hi {name}: {product_guide_url} {opt_out}' },
    },
  },
};

let om: TestOmnilane;
let provider: FakeProvider;
beforeAll(async () => {
  provider = await startFakeProvider();
  const dir = mkdtempSync(join(tmpdir(), 'followup-rules-'));
  writeFileSync(join(dir, 'rules.json'), JSON.stringify(rules));
  om = await startTestOmnilane({
    PUBLIC_BASE_URL: PUBLIC,
    TWILIO_AUTH_TOKEN,
    TWILIO_ACCOUNT_SID: 'ACe2e',
    SMS_FROM: '+14155550100',
    SMS_PROVIDER_URL: provider.url,
    WHATSAPP_APP_SECRET,
    WHATSAPP_VERIFY_TOKEN: 'e2e-verify',
    WECHAT_TOKEN,
    EMAIL_PROVIDER_URL: provider.url,
    EMAIL_API_KEY: 'e2e-email-key',
    EMAIL_FROM: 'sales@shop.test',
    WEBCHAT_SITE_KEYS: `${SITE}@${ORIGIN}`,
    FOLLOWUP_ENABLED: 'true',
    FOLLOWUP_RULES_FILE: join(dir, 'rules.json'),
  });
});
afterAll(async () => {
  await om?.cleanup();
  await provider?.close();
});

const json = async <T>(r: Response) => (await r.json()) as T;
type Followups = {
  state: string;
  stop: { reason: string } | null;
  consent: Array<{ channel: string; state: string; source: string }>;
  history: Array<{ outcome: string; channel: string | null }>;
};
const followups = async (id: string) => json<Followups>(await om.get(`/v1/customers/${encodeURIComponent(id)}/followups`));

async function customerId(query: string): Promise<string> {
  let id = '';
  await eventually(`a customer for ${query}`, async () => {
    const r = await json<{ customers: Array<{ id: string }> }>(await om.get(`/v1/customers?${query}`));
    id = r.customers[0]?.id ?? '';
    return id !== '';
  });
  return id;
}

async function consentOf(id: string, channel: string): Promise<Followups['consent'][number]> {
  let rec: Followups['consent'][number] | undefined;
  await eventually(`${channel} consent of ${id}`, async () => {
    rec = (await followups(id)).consent.find((c) => c.channel === channel);
    return rec?.state === 'opted_out';
  });
  return rec!;
}

function sms(from: string, body: string, sid: string) {
  const form = fixture('twilio-sms-inbound.form')
    .trim()
    .replace(/From=[^&]*/, `From=${encodeURIComponent(from)}`)
    .replace(/Body=[^&]*/, `Body=${encodeURIComponent(body)}`)
    .replace(/(Sms)?MessageSid=SM[0-9a-f]+|SmsSid=SM[0-9a-f]+/g, (m) => `${m.split('=')[0]}=${sid}`);
  const sig = twilioSignature(TWILIO_AUTH_TOKEN, `${PUBLIC}/v1/channels/sms/twilio`, [...new URLSearchParams(form).entries()]);
  return fetch(`${om.url}/v1/channels/sms/twilio`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sig },
    body: form,
  });
}

function wechat(xml: string) {
  const [timestamp, nonce] = [String(Math.floor(Date.now() / 1000)), 'n0nce'];
  return fetch(`${om.url}/v1/channels/wechat?signature=${wechatSignature(WECHAT_TOKEN, timestamp, nonce)}&timestamp=${timestamp}&nonce=${nonce}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    body: xml,
  });
}

const smsTo = (phone: string) => provider.requests.filter((r) => r.url.includes('/Messages.json') && new URLSearchParams(r.body).get('To') === phone);

describe('opt-out on every channel', () => {
  it('SMS: a running sequence sends, STOP (Twilio form) records the consent, stops it, and nothing more goes out', async () => {
    const phone = '+8613900000001';
    expect((await sms(phone, '这个多少钱？', 'SM00000000000000000000000000000a01')).status).toBe(200);
    await eventually('the first follow-up SMS', () => smsTo(phone).length >= 1);
    expect(new URLSearchParams(smsTo(phone)[0].body).get('Body')).toMatch(/您好：https:\/\/example.com\/guide 回复TD退订/);
    const id = await customerId(`phone=${encodeURIComponent(phone)}`);
    expect((await sms(phone, 'STOP', 'SM00000000000000000000000000000a02')).status).toBe(200);
    expect(await consentOf(id, 'sms')).toMatchObject({ state: 'opted_out', source: 'sms_keyword' });
    const sent = smsTo(phone).length;
    await sleep(4500); // past the next step's wait (3 s)
    expect(smsTo(phone).length).toBe(sent);
    const f = await followups(id);
    expect(f.state).toBe('stopped');
    expect(['opted_out', 'replied']).toContain(f.stop?.reason);
    await eventually('the consent.changed and followup.sent events in the warehouse', async () => {
      const rows = await om.engines.warehouse.query<{ type: string; customer_key: string }>('journey_events', {
        from_ms: Date.now() - 3600_000,
        to_ms: Date.now() + 60_000,
        types: ['consent.changed', 'followup.sent'],
      });
      const types = rows.filter((r) => r.customer_key === id).map((r) => r.type);
      return types.includes('consent.changed') && types.includes('followup.sent');
    });
  });

  it('WhatsApp: a text 退订 in the Cloud API payload opts the customer out of WhatsApp', async () => {
    const doc = JSON.parse(fixture('whatsapp-messages.json')) as {
      entry: Array<{ changes: Array<{ value: { contacts: Array<{ wa_id: string }>; messages: Array<Record<string, unknown>> } }> }>;
    };
    const value = doc.entry[0].changes[0].value;
    value.contacts[0].wa_id = '8613900000002';
    value.messages = [
      { ...value.messages[0], from: '8613900000002', id: 'wamid.followup-optout-1', timestamp: String(Math.floor(Date.now() / 1000)), text: { body: '退订' } },
    ];
    const body = JSON.stringify(doc);
    const r = await fetch(`${om.url}/v1/channels/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(WHATSAPP_APP_SECRET, body) },
      body,
    });
    expect(r.status).toBe(200);
    const id = await customerId('channel=whatsapp&channel_id=8613900000002');
    expect(await consentOf(id, 'whatsapp')).toMatchObject({ state: 'opted_out', source: 'whatsapp_keyword' });
  });

  it('WeChat: an XML text 退订 and the unsubscribe event both opt out of WeChat', async () => {
    const now = String(Math.floor(Date.now() / 1000));
    const text = fixture('wechat-text.xml')
      .replace('oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', 'oFollowupOptOutText01')
      .replace(/<CreateTime>\d+/, `<CreateTime>${now}`)
      .replace('你好，请问有优惠吗？', '退订')
      .replace(/<MsgId>\d+/, '<MsgId>88000000000000000001');
    expect((await wechat(text)).status).toBe(200);
    const a = await customerId('channel=wechat&channel_id=oFollowupOptOutText01');
    expect(await consentOf(a, 'wechat')).toMatchObject({ source: 'wechat_keyword' });

    const unsub = fixture('wechat-subscribe.xml')
      .replace('oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', 'oFollowupOptOutEvent01')
      .replace(/<CreateTime>\d+/, `<CreateTime>${now}`)
      .replace('[subscribe]', '[unsubscribe]');
    expect((await wechat(unsub)).status).toBe(200);
    const b = await customerId('channel=wechat&channel_id=oFollowupOptOutEvent01');
    expect(await consentOf(b, 'wechat')).toMatchObject({ source: 'wechat_unsubscribe' });
  });

  it('e-mail: the signed link in the sent follow-up (List-Unsubscribe) opts out of e-mail; an altered one is refused', async () => {
    const email = 'li.lei@customer.test';
    const r = await om.post('/v1/events', {
      events: [
        {
          id: 'fu-mail-1',
          type: 'message.received',
          channel: 'email',
          occurred_at: Date.now(),
          customer: { email },
          conversation_id: 'fu-mail-conv',
          properties: { text: 'Could you send me the price list?' },
        },
      ],
    });
    expect(r.status).toBe(202);
    let link = '';
    await eventually('a follow-up e-mail with an unsubscribe link', () => {
      const mail = provider.requests.find((q) => q.url.includes('/mail/send') && q.body.includes(email));
      const headers = mail ? (JSON.parse(mail.body) as { headers: Record<string, string> }).headers : {};
      link = headers['List-Unsubscribe']?.slice(1, -1) ?? '';
      return link !== '';
    });
    expect(link.startsWith(`${PUBLIC}/v1/followups/unsubscribe?token=`)).toBe(true);
    expect(link).not.toContain(email);
    const path = link.slice(PUBLIC.length);
    const bad = await fetch(`${om.url}${path.slice(0, -2)}xx`);
    expect(bad.status).toBe(400);
    expect((await json<{ code: string }>(bad)).code).toBe('FOLLOWUP_ERR_BAD_TOKEN');
    const page = await fetch(`${om.url}${path}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Unsubscribed');
    const id = await customerId(`email=${encodeURIComponent(email)}`);
    expect(await consentOf(id, 'email')).toMatchObject({ source: 'email_link' });
    expect((await followups(id)).stop?.reason).toBe('opted_out');
  });

  it('web chat: STOP typed in the widget opts out of web', async () => {
    const v = await TestVisitor.connect(om.url, ORIGIN);
    try {
      v.send({ type: 'hello', site_key: SITE, visitor_id: 'visitor-followup-01' });
      await v.next((f) => f.type === 'welcome');
      v.send({ type: 'message', client_msg_id: 'stop1', text: 'STOP' });
      await v.next((f) => f.type === 'ack' && f.client_msg_id === 'stop1');
    } finally {
      v.close();
    }
    let web: Array<{ customer_key: string }> = [];
    await eventually('a web consent.changed event in the warehouse', async () => {
      const rows = await om.engines.warehouse.query<{ customer_key: string; properties: string }>('journey_events', {
        from_ms: Date.now() - 3600_000,
        to_ms: Date.now() + 60_000,
        types: ['consent.changed'],
      });
      web = rows.filter((r) => String(r.properties).includes('"consent_channel":"web"'));
      return web.length > 0;
    });
    expect(await consentOf(web[0].customer_key, 'web')).toMatchObject({ source: 'web_keyword' });
  });

  it('the board summary counts the sends and the opt-outs of every channel above', async () => {
    type Summary = { sent: number; opted_out: number; running: number };
    let sum: Summary = { sent: 0, opted_out: 0, running: 0 };
    await eventually('the follow-up summary', async () => {
      sum = await json<Summary>(await om.get('/v1/followups/summary?minutes=60'));
      return sum.opted_out >= 6 && sum.sent >= 2;
    });
    expect(sum.opted_out).toBe(6); // sms, whatsapp, wechat ×2, email, web
  });
});
