import { createServer, type Server } from 'node:http';
import type { Logger } from '../../shared/logger.js';
import { EmailSender } from '../outbound/email-sender.js';
import type { SenderRegistry } from '../outbound/sender.js';
import { SmsSender } from '../outbound/sms-sender.js';
import { WechatSender } from '../outbound/wechat-sender.js';
import { WhatsappSender } from '../outbound/whatsapp-sender.js';

/**
 * `--demo` only: a loopback stand-in for the SMS, WhatsApp, e-mail and WeChat
 * providers (127.0.0.1, a free port), so follow-ups and agent replies of demo
 * traffic leave through the real senders and their HTTP shapes without
 * reaching anyone. It answers like each API's success and counts what it got;
 * channels whose provider is configured keep their real sender.
 */
export interface DemoProviders {
  url: string;
  /** Requests received per channel. */
  received: Record<string, number>;
  close(): Promise<void>;
}

const channelOf = (url: string) =>
  url.includes('/Messages.json') ? 'sms' : url.includes('/messages') ? 'whatsapp' : url.includes('/mail/send') ? 'email' : url.includes('/cgi-bin/message') ? 'wechat' : url.includes('/cgi-bin/token') ? 'wechat_token' : 'other';

export async function startDemoProviders(senders: SenderRegistry, log: Logger): Promise<DemoProviders> {
  const received: Record<string, number> = {};
  let n = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const ch = channelOf(req.url ?? '');
      received[ch] = (received[ch] ?? 0) + 1;
      n++;
      const body =
        ch === 'wechat_token' ? { access_token: `DEMO_TOKEN_${n}`, expires_in: 7200 } : ch === 'wechat' ? { errcode: 0, errmsg: 'ok' } : { sid: `SMdemo${n}`, messages: [{ id: `wamid.demo${n}` }] };
      res.writeHead(ch === 'email' ? 202 : ch === 'sms' ? 201 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const add = (channel: string, make: () => Parameters<SenderRegistry['register']>[0]) => {
    if (!senders.get(channel)) senders.register(make());
  };
  add('sms', () => new SmsSender({ baseUrl: url, accountSid: 'ACdemo', authToken: 'demo', from: '+10000000000' }));
  add('whatsapp', () => new WhatsappSender({ baseUrl: url, phoneNumberId: 'demo', accessToken: 'demo' }));
  add('email', () => new EmailSender({ baseUrl: url, apiKey: 'demo', from: 'demo@omnilane.invalid' }));
  add('wechat', () => new WechatSender({ baseUrl: url, appId: 'demo', appSecret: 'demo' }));
  log.info({ url }, 'demo: SMS, WhatsApp, e-mail and WeChat go to a loopback stand-in provider');
  return { url, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}
