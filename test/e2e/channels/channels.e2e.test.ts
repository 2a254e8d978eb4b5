import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metaSignature, twilioSignature } from '../../../ingest/channels/index.js';
import { startTestOmnilane, type TestOmnilane } from '../../support/omnilane.js';

const PUBLIC = 'https://omnilane.example.com';
const TWILIO_AUTH_TOKEN = 'e2e-twilio-auth-token-0123456789';
const WHATSAPP_APP_SECRET = 'e2e-whatsapp-app-secret';

let om: TestOmnilane;
beforeAll(async () => {
  om = await startTestOmnilane({ PUBLIC_BASE_URL: PUBLIC, TWILIO_AUTH_TOKEN, WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN: 'e2e-verify' });
});
afterAll(async () => om?.cleanup());

describe('channel webhooks end to end', () => {
  it('documents the channel routes in /openapi.json', async () => {
    const spec = (await (await om.get('/openapi.json', '')).json()) as { paths: Record<string, unknown> };
    for (const p of [
      '/v1/channels/sms/twilio',
      '/v1/channels/whatsapp',
      '/v1/channels/wechat',
      '/v1/channels/email/inbound',
      '/v1/channels/voice/status',
      '/v1/channels/app/events',
    ]) {
      expect(Object.keys(spec.paths)).toContain(p);
    }
  });

  it('a WhatsApp message and an SMS from the same phone land as events of one customer in the warehouse', async () => {
    const nowS = Math.floor(Date.now() / 1000) - 5;
    const wa = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '1',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '14155550100', phone_number_id: '106540352242922' },
                contacts: [{ profile: { name: '王小明' }, wa_id: '8613800138000' }],
                messages: [{ from: '8613800138000', id: 'wamid.e2e-1', timestamp: String(nowS), type: 'text', text: { body: '你好，WhatsApp 上问一下价格' } }],
              },
            },
          ],
        },
      ],
    });
    const r1 = await fetch(`${om.url}/v1/channels/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(WHATSAPP_APP_SECRET, wa) },
      body: wa,
    });
    expect(r1.status).toBe(200);

    const form = new URLSearchParams({
      MessageSid: 'SMe2e00000000000000000000000000001',
      AccountSid: 'AC1',
      From: '+86 138 0013 8000',
      To: '+14155550100',
      Body: '短信：还是我，刚才 WhatsApp 问的',
      NumMedia: '0',
    }).toString();
    const sig = twilioSignature(TWILIO_AUTH_TOKEN, `${PUBLIC}/v1/channels/sms/twilio`, [...new URLSearchParams(form).entries()]);
    const r2 = await fetch(`${om.url}/v1/channels/sms/twilio`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sig },
      body: form,
    });
    expect(r2.status).toBe(200);
    expect(await r2.text()).toContain('<Response>');

    const forged = await fetch(`${om.url}/v1/channels/sms/twilio`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'forged' },
      body: form,
    });
    expect(forged.status).toBe(401);

    await om.drained();
    const rows = await om.engines.warehouse.query<{ customer_key: string; channel: string; id: string }>('journey_events', {
      from_ms: Date.now() - 3600_000,
      to_ms: Date.now() + 60_000,
      types: ['message.received'],
    });
    const mine = rows.filter((r) => ['wamid.e2e-1', 'SMe2e00000000000000000000000000001'].includes(r.id));
    expect(mine.map((r) => r.channel).sort()).toEqual(['sms', 'whatsapp']);
    // One customer: the same key on both rows (phone:+8613800138000 at ingest, or the identity stage's resolved id).
    expect(new Set(mine.map((r) => r.customer_key)).size).toBe(1);
    const dead = await om.engines.warehouse.query<{ code: string; ref: string }>('dead_letters_recent', { limit: 10 });
    expect(dead.some((d) => d.code === 'ING_ERR_BAD_SIGNATURE' && d.ref.startsWith('channel:sms/'))).toBe(true);
  });

  it('answers 503 for a channel without its secret', async () => {
    const res = await fetch(`${om.url}/v1/channels/wechat?signature=x&timestamp=1&nonce=2`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: '<xml></xml>',
    });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { code: string }).code).toBe('ING_ERR_CHANNEL_DISABLED');
  });
});
