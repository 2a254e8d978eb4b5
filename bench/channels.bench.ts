/**
 * Inbound events/s per channel adapter, through `app.inject()` (no sockets:
 * this measures verify → parse → map → ingest → in-process bus, not HTTP).
 * Each request carries new provider ids, so nothing is a duplicate. Prints a
 * table and writes bench/results/channels.json. A benchmark, not a test.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emailSignature, metaSignature, wechatSignature } from '../ingest/channels/index.js';
import { channelTestApp, fixture, INGEST_KEY, TEST_SECRETS, twilioSigned } from '../test/support/channel-kit.js';
import { projectRoot } from '../shared/paths.js';

type Req = { method: 'POST'; url: string; headers: Record<string, string>; payload: string | Buffer };

const smsForm = fixture('twilio-sms-inbound.form');
const waJson = fixture('whatsapp-messages.json');
const wcXml = fixture('wechat-text.xml');
const voiceForm = fixture('twilio-voice-answered.form');

async function emailReq(i: number): Promise<Req> {
  const fd = new FormData();
  const ts = '1767340500';
  const token = `tok${i}`;
  const fields = {
    headers: `From: a@b.cn\nMessage-ID: <bench-${i}@b.cn>\nSubject: 询价\n`,
    from: 'a@b.cn',
    subject: '询价',
    text: '你好',
    timestamp: ts,
    token,
    signature: emailSignature(TEST_SECRETS.emailSigningKey, ts, token),
  };
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  const r = new Request('http://x/', { method: 'POST', body: fd });
  return {
    method: 'POST',
    url: '/v1/channels/email/inbound',
    headers: { 'content-type': r.headers.get('content-type')! },
    payload: Buffer.from(await r.arrayBuffer()),
  };
}

/** Builds request i for each adapter, with the events it carries. */
const adapters: Record<string, { events: number; make: (i: number) => Req | Promise<Req> }> = {
  sms: {
    events: 1,
    make: (i) => {
      const body = smsForm.replaceAll('SM1f0e9d8c7b6a59483726150f4e3d2c1b', `SMbench${i}`);
      return { method: 'POST', url: '/v1/channels/sms/twilio', headers: twilioSigned('/v1/channels/sms/twilio', body), payload: body };
    },
  },
  whatsapp: {
    events: 3,
    make: (i) => {
      const body = waJson.replaceAll('wamid.HBgN', `wamid.b${i}.`);
      return {
        method: 'POST',
        url: '/v1/channels/whatsapp',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(TEST_SECRETS.whatsappAppSecret, body) },
        payload: body,
      };
    },
  },
  wechat: {
    events: 1,
    make: (i) => {
      const q = `signature=${wechatSignature(TEST_SECRETS.wechatToken, '1767340800', 'n')}&timestamp=1767340800&nonce=n`;
      return {
        method: 'POST',
        url: `/v1/channels/wechat?${q}`,
        headers: { 'content-type': 'text/xml' },
        payload: wcXml.replace('24411234567890123456', String(10n ** 19n + BigInt(i))),
      };
    },
  },
  email: { events: 1, make: emailReq },
  voice: {
    events: 1,
    make: (i) => {
      const body = voiceForm.replaceAll('CA0123456789abcdef0123456789abcdef', `CAbench${i}`);
      return { method: 'POST', url: '/v1/channels/voice/status', headers: twilioSigned('/v1/channels/voice/status', body), payload: body };
    },
  },
  app: {
    events: 20,
    make: (i) => ({
      method: 'POST',
      url: '/v1/channels/app/events',
      headers: { authorization: `Bearer ${INGEST_KEY}`, 'content-type': 'application/json' },
      payload: JSON.stringify({
        anonymous_id: `dev-${i % 100}`,
        events: Array.from({ length: 20 }, (_, j) => ({
          id: `app-${i}-${j}`,
          type: 'touchpoint',
          occurred_at: Date.UTC(2026, 0, 2, 7),
          properties: { screen: 'pricing' },
        })),
      }),
    }),
  },
};

export async function runChannelsBench(
  opts: { durationS?: number; concurrency?: number } = {},
): Promise<Record<string, { requests_per_s: number; events_per_s: number; requests: number }>> {
  const durationMs = (opts.durationS ?? 3) * 1000;
  const concurrency = opts.concurrency ?? 32;
  const results: Record<string, { requests_per_s: number; events_per_s: number; requests: number }> = {};
  for (const [name, a] of Object.entries(adapters)) {
    const t = await channelTestApp({ ratePerSecond: 1e9, rateBurst: 1e9 });
    let i = 0;
    let failed = 0;
    const started = performance.now();
    const worker = async () => {
      while (performance.now() - started < durationMs) {
        const res = await t.app.inject(await a.make(i++));
        if (res.statusCode >= 300) failed++;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const secs = (performance.now() - started) / 1000;
    if (failed > 0) console.warn(`${name}: ${failed} requests failed`);
    results[name] = { requests: i, requests_per_s: Math.round(i / secs), events_per_s: Math.round((i * a.events) / secs) };
    await t.close();
  }
  console.log('adapter   requests/s  events/s');
  for (const [name, r] of Object.entries(results))
    console.log(`${name.padEnd(9)} ${String(r.requests_per_s).padStart(10)}  ${String(r.events_per_s).padStart(8)}`);
  const dir = join(projectRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'channels.json'),
    `${JSON.stringify({ bench: 'channels', at: new Date().toISOString(), via: 'app.inject, in-process bus and state', anchor: 'RudderStack webhook gateway ~1.7k events/s on 2 cores', results }, null, 2)}\n`,
  );
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) await runChannelsBench({ durationS: Number(process.argv[2] ?? 3) });
