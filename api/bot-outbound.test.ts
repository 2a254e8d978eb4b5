import { afterEach, describe, expect, it } from 'vitest';
import { sendersFromConfig } from '../ingest/outbound/senders-from-config.js';
import type { IngestService } from '../ingest/ingest-service.js';
import { manualClock } from '../shared/clock.js';
import { loadConfig } from '../shared/config.js';
import { startFakeProvider, type FakeProvider } from '../test/support/fake-provider.js';
import { botOutbound } from './bot-outbound.js';
import type { ConversationRef } from './routes/conversation-messages.js';

/**
 * The bot speaks on every channel through the same senders as agents (web chat is covered live by
 * test/e2e/bot.e2e.test.ts): SMS, WhatsApp and e-mail against one fake provider, WeChat against another in
 * WeChat mode. Each reply leaves through the channel's real sender and is recorded once as a bot message.sent.
 */
let fakes: FakeProvider[] = [];
afterEach(async () => {
  await Promise.all(fakes.map((f) => f.close()));
  fakes = [];
});

describe('botOutbound on every channel', () => {
  it('sends through the SMS, WhatsApp, WeChat and e-mail senders and records bot message.sent events', async () => {
    const [http, wx] = (fakes = [await startFakeProvider(), await startFakeProvider()]);
    wx.wechat();
    const cfg = loadConfig({
      TWILIO_ACCOUNT_SID: 'AC1',
      TWILIO_AUTH_TOKEN: 'tok',
      SMS_FROM: '+14155550100',
      SMS_PROVIDER_URL: http.url,
      WHATSAPP_ACCESS_TOKEN: 'EAAG',
      WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
      WHATSAPP_API_URL: `${http.url}/v21.0`,
      WECHAT_APP_ID: 'wx0123456789abcdef',
      WECHAT_APP_SECRET: 'app-secret-1',
      WECHAT_API_URL: wx.url,
      EMAIL_PROVIDER_URL: `${http.url}/mail`,
      EMAIL_API_KEY: 'key',
      EMAIL_FROM: 'shop@example.com',
    });
    const senders = sendersFromConfig(cfg.channels);
    const convs: Record<string, ConversationRef> = {
      'c-sms': { id: 'c-sms', channel: 'sms', customer: { phone: '+8613800138000' }, to: { phone: '+8613800138000' } },
      'c-wa': { id: 'c-wa', channel: 'whatsapp', customer: { phone: '+8613800138001' }, to: { phone: '+8613800138001' } },
      'c-wx': { id: 'c-wx', channel: 'wechat', customer: { channel_ids: { wechat: 'oABC' } }, to: { wechat_openid: 'oABC' } },
      'c-mail': { id: 'c-mail', channel: 'email', customer: { email: 'li@example.com' }, to: { email: 'li@example.com' } },
    };
    const recorded: Array<{ producer: string; event: Record<string, unknown> }> = [];
    const ingest = {
      ingest: async (producer: string, batch: { events: Record<string, unknown>[] }) => {
        for (const event of batch.events) recorded.push({ producer, event });
        return { accepted: batch.events.length, rejected: [] };
      },
    } as unknown as IngestService;
    const reply = botOutbound({ ingest, senders, conversations: { lookup: async (id) => convs[id] ?? null }, clock: manualClock(1_764_000_000_000) });
    for (const id of Object.keys(convs))
      await reply({
        conversationId: id,
        channel: convs[id].channel,
        text: '付款成功后可在账单页开具发票。',
        messageId: `bot-${id}`,
        properties: { article_id: 'invoice-zh' },
      });
    expect(recorded.map((r) => [r.producer, r.event.type, r.event.channel, r.event.agent_id])).toEqual([
      ['bot', 'message.sent', 'sms', null],
      ['bot', 'message.sent', 'whatsapp', null],
      ['bot', 'message.sent', 'wechat', null],
      ['bot', 'message.sent', 'email', null],
    ]);
    expect(recorded.every((r) => (r.event.properties as Record<string, unknown>).bot === true)).toBe(true);
    const bodies = http.requests.map((r) => r.url.split('?')[0]);
    expect(bodies).toEqual(['/2010-04-01/Accounts/AC1/Messages.json', '/v21.0/106540352242922/messages', expect.stringMatching(/^\/mail/)]);
    expect(
      http.requests.every(
        (r) => r.body.includes('付款成功后可在账单页开具发票') || decodeURIComponent(r.body.replace(/\+/g, ' ')).includes('付款成功后可在账单页开具发票'),
      ),
    ).toBe(true);
    expect(wx.requests.some((r) => r.url.includes('message/custom/send') && r.body.includes('付款成功后可在账单页开具发票'))).toBe(true);
  });
});
