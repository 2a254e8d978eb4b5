import { afterEach, describe, expect, it } from 'vitest';
import { channelTestApp, fixture, twilioSigned, type ChannelTestApp } from '../../../test/support/channel-kit.js';
import { twilioSignature } from '../twilio/twilio.js';

let t: ChannelTestApp;
afterEach(async () => t?.close());

const PATH = '/v1/channels/sms/twilio';

describe('SMS (Twilio) webhook', () => {
  it('computes the signature Twilio documents (URL + sorted name/value pairs, HMAC-SHA1, base64)', () => {
    const sig = twilioSignature('token', 'https://x.test/hook?a=1', [
      ['To', '+1'],
      ['Body', 'hi'],
      ['From', '+2'],
    ]);
    expect(sig).toMatch(/^[A-Za-z0-9+/]{27}=$/);
    expect(sig).toBe(
      twilioSignature('token', 'https://x.test/hook?a=1', [
        ['Body', 'hi'],
        ['From', '+2'],
        ['To', '+1'],
      ]),
    );
  });

  it('maps an inbound SMS with Chinese text to message.received, answers empty TwiML and counts retries once', async () => {
    t = await channelTestApp();
    const body = fixture('twilio-sms-inbound.form');
    for (let i = 0; i < 2; i++) {
      const res = await t.app.inject({ method: 'POST', url: PATH, headers: twilioSigned(PATH, body), payload: body });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/xml');
      expect(res.body).toContain('<Response></Response>');
    }
    // Ingest opens the conversation the SMS names none of (conversations.test.ts).
    const [start, ...ev] = t.events();
    expect(start).toMatchObject({ type: 'conversation.started', conversation_id: 'sms:SM1f0e9d8c7b6a59483726150f4e3d2c1b' });
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({
      id: 'SM1f0e9d8c7b6a59483726150f4e3d2c1b',
      conversation_id: 'sms:SM1f0e9d8c7b6a59483726150f4e3d2c1b',
      producer: 'channel:sms',
      type: 'message.received',
      channel: 'sms',
      customer_key: 'phone:+8613800138000',
    });
    expect(ev[0].properties.text).toBe('你好，这个多少钱？ Price please');
  });

  it('maps a status callback to a message.sent status update without a conversation', async () => {
    t = await channelTestApp();
    const body = fixture('twilio-sms-status.form');
    const res = await t.app.inject({ method: 'POST', url: `${PATH}/status`, headers: twilioSigned(`${PATH}/status`, body), payload: body });
    expect(res.statusCode).toBe(200);
    expect(t.events()[0]).toMatchObject({ type: 'message.sent', conversation_id: null, properties: { delivery_status: 'delivered', status_update: true } });
  });

  it('refuses a bad signature with 401 and keeps the payload', async () => {
    t = await channelTestApp();
    const body = fixture('twilio-sms-inbound.form');
    const res = await t.app.inject({ method: 'POST', url: PATH, headers: twilioSigned(PATH, body, 'wrong-token-wrong-token-wrong-tok'), payload: body });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('ING_ERR_BAD_SIGNATURE');
    // Signed for another URL (PUBLIC_BASE_URL matters).
    const other = await t.app.inject({ method: 'POST', url: PATH, headers: twilioSigned('/elsewhere', body), payload: body });
    expect(other.statusCode).toBe(401);
    expect(t.events()).toHaveLength(0);
    expect(t.rejected()[0]).toMatchObject({ source: 'sms', code: 'ING_ERR_BAD_SIGNATURE', ref: 'channel:sms/SM1f0e9d8c7b6a59483726150f4e3d2c1b' });
    expect(t.rejected()[0].payload).toBe(body);
  });

  it('refuses a signed payload without MessageSid/From with 400 ING_ERR_BAD_PAYLOAD and keeps it', async () => {
    t = await channelTestApp();
    const body = fixture('twilio-sms-malformed.form');
    const res = await t.app.inject({ method: 'POST', url: PATH, headers: twilioSigned(PATH, body), payload: body });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'ING_ERR_BAD_PAYLOAD' });
    expect(t.rejected().map((r) => r.code)).toEqual(['ING_ERR_BAD_PAYLOAD']);
  });

  it('answers oversize bodies with 413 and floods with 429 and Retry-After', async () => {
    t = await channelTestApp({ maxBodyBytes: 1024, ratePerSecond: 1, rateBurst: 3 });
    const big = `Body=${'x'.repeat(5000)}`;
    const res = await t.app.inject({ method: 'POST', url: PATH, headers: twilioSigned(PATH, big), payload: big });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('ING_ERR_BODY_TOO_LARGE');
    const body = fixture('twilio-sms-inbound.form');
    const codes: number[] = [];
    let last;
    for (let i = 0; i < 4; i++) {
      last = await t.app.inject({ method: 'POST', url: PATH, headers: twilioSigned(PATH, body), payload: body });
      codes.push(last.statusCode);
    }
    expect(codes).toEqual([200, 200, 429, 429]);
    expect(last?.headers['retry-after']).toBe('1');
    expect(last?.json().code).toBe('ING_ERR_RATE_LIMITED');
    t.clock.advance(1000);
    expect((await t.app.inject({ method: 'POST', url: PATH, headers: twilioSigned(PATH, body), payload: body })).statusCode).toBe(200);
  });

  it('answers 503 ING_ERR_CHANNEL_DISABLED when no auth token is configured', async () => {
    t = await channelTestApp({ twilioAuthToken: undefined });
    const body = fixture('twilio-sms-inbound.form');
    const res = await t.app.inject({ method: 'POST', url: PATH, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: body });
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe('ING_ERR_CHANNEL_DISABLED');
  });
});
