import { afterEach, describe, expect, it } from 'vitest';
import { channelTestApp, fixture, twilioSigned, type ChannelTestApp } from '../../../test/support/channel-kit.js';
import { mapCallStatus } from './voice-map.js';

let t: ChannelTestApp;
afterEach(async () => t?.close());

const PATH = '/v1/channels/voice/status';
const post = (body: string, headers = twilioSigned(PATH, body)) => t.app.inject({ method: 'POST', url: PATH, headers, payload: body });

describe('voice (Twilio call status) webhook', () => {
  it('maps answered → conversation.started and completed → conversation.closed with duration', async () => {
    t = await channelTestApp();
    expect((await post(fixture('twilio-voice-answered.form'))).statusCode).toBe(200);
    expect((await post(fixture('twilio-voice-completed.form'))).body).toContain('<Response>');
    const ev = t.events();
    expect(ev.map((e) => [e.type, e.conversation_id, e.customer_key])).toEqual([
      ['conversation.started', 'voice:CA0123456789abcdef0123456789abcdef', 'phone:+8613800138000'],
      ['conversation.closed', 'voice:CA0123456789abcdef0123456789abcdef', 'phone:+8613800138000'],
    ]);
    expect(ev[1].properties).toMatchObject({ duration_s: 95, missed: false });
    expect(ev[0].occurred_at).toBe(Date.UTC(2026, 0, 2, 7, 58, 0));
  });

  it('marks no-answer on an outbound call as missed, keyed by the called customer', async () => {
    t = await channelTestApp();
    await post(fixture('twilio-voice-no-answer.form'));
    expect(t.events().map((e) => [e.type, e.properties.missed, e.customer_key])).toEqual([
      ['conversation.started', true, 'phone:+8613900139000'],
      ['conversation.closed', true, 'phone:+8613900139000'],
    ]);
  });

  it('acknowledges ringing without an event and refuses unknown statuses', () => {
    expect(mapCallStatus({ CallSid: 'CA1', CallStatus: 'ringing', From: '+8613800138000', Direction: 'inbound' }, 0)).toEqual({ ok: true, events: [] });
    expect(mapCallStatus({ CallSid: 'CA1', CallStatus: 'exploded', From: '+8613800138000' }, 0).ok).toBe(false);
  });

  it('answers 401 on a bad signature, 400 on a malformed payload, 429 on floods', async () => {
    t = await channelTestApp({ ratePerSecond: 1, rateBurst: 3 });
    const body = fixture('twilio-voice-answered.form');
    const bad = await post(body, { ...twilioSigned(PATH, body), 'x-twilio-signature': 'AAAA' });
    expect([bad.statusCode, bad.json().code]).toEqual([401, 'ING_ERR_BAD_SIGNATURE']);
    const malformed = 'CallStatus=completed&From=%2B8613800138000';
    const res = await post(malformed);
    expect([res.statusCode, res.json().code]).toEqual([400, 'ING_ERR_BAD_PAYLOAD']);
    expect(t.rejected().map((r) => r.code)).toEqual(['ING_ERR_BAD_SIGNATURE', 'ING_ERR_BAD_PAYLOAD']);
    await post(body);
    const flood = await post(body);
    expect([flood.statusCode, flood.headers['retry-after']]).toEqual([429, '1']);
  });
});
