import { createServer, type Server } from 'node:http';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { pick, type Rng } from '../../shared/random.js';
import type { IngestService } from '../ingest-service.js';
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
  /** Called with the recipient of each SMS the stand-in accepts (demo customers answer some follow-ups). */
  onSms?: (to: string, body: string) => void;
  /** Requests received per channel. */
  received: Record<string, number>;
  close(): Promise<void>;
}

const channelOf = (url: string) =>
  url.includes('/Messages.json')
    ? 'sms'
    : url.includes('/messages')
      ? 'whatsapp'
      : url.includes('/mail/send')
        ? 'email'
        : url.includes('/cgi-bin/message')
          ? 'wechat'
          : url.includes('/cgi-bin/token')
            ? 'wechat_token'
            : 'other';

export async function startDemoProviders(senders: SenderRegistry, log: Logger): Promise<DemoProviders> {
  const received: Record<string, number> = {};
  let n = 0;
  const server: Server = createServer((req, res) => {
    const body: Buffer[] = [];
    req.on('data', (c: Buffer) => body.push(c));
    req.on('end', () => {
      const ch = channelOf(req.url ?? '');
      if (ch === 'sms') {
        const form = new URLSearchParams(Buffer.concat(body).toString('utf8'));
        demo.onSms?.(form.get('To') ?? '', form.get('Body') ?? '');
      }
      received[ch] = (received[ch] ?? 0) + 1;
      n++;
      const reply =
        ch === 'wechat_token'
          ? { access_token: `DEMO_TOKEN_${n}`, expires_in: 7200 }
          : ch === 'wechat'
            ? { errcode: 0, errmsg: 'ok' }
            : { sid: `SMdemo${n}`, messages: [{ id: `wamid.demo${n}` }] };
      res.writeHead(ch === 'email' ? 202 : ch === 'sms' ? 201 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply));
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
  const demo: DemoProviders = { url, received, close: () => new Promise<void>((r) => server.close(() => r())) };
  return demo;
}

/**
 * Demo customers answer some follow-up SMS a few seconds later, like real ones: about one in five replies
 * (which stops their sequence as `replied`) and about one in seven sends 退订 or STOP (an opt-out), so the board's
 * follow-up panel moves in `npm start`. Seeded, like the demo traffic.
 */
export function demoAnswers(o: { ingest: Pick<IngestService, 'ingest'>; clock: Clock; rng: Rng; log: Logger }): (to: string, body: string) => void {
  let n = 0;
  return (to) => {
    const r = o.rng();
    if (!to || r >= 0.35) return;
    const text = r < 0.08 ? '退订' : r < 0.15 ? 'STOP' : pick(o.rng, ['好的，我看看', '有优惠吗？', '请发一下报价单']);
    const id = `demo-answer-${process.pid}-${++n}`;
    setTimeout(
      () => {
        o.ingest
          .ingest('demo', {
            events: [{ id, type: 'message.received', channel: 'sms', occurred_at: o.clock.now(), customer: { phone: to }, properties: { text } }],
          })
          .catch((err: unknown) => o.log.warn({ err }, 'demo answer not ingested'));
      },
      2000 + Math.floor(o.rng() * 8000),
    ).unref();
  };
}
