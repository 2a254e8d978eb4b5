import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OmnilaneAppClient } from '../../ingest/channels/app/client.js';
import { emailSignature } from '../../ingest/channels/email/email-routes.js';
import { TestVisitor } from '../../ingest/channels/webchat/ws-test-client.js';
import { metaSignature } from '../../ingest/channels/whatsapp/whatsapp-routes.js';
import { startTestOmnilane, type TestOmnilane } from '../support/omnilane.js';

/**
 * The moment of triage end to end (issue 11, part 3; docs/routing.md): the
 * report's 12 zh/en conversations through the channels' real adapters, each
 * opening the way that channel opens it. Web chat (the socket) and e-mail
 * (the inbound-parse webhook) emit a text-less conversation.started, then
 * the customer's message.received; the app SDK sends what the app tracks
 * (here: conversation.started from the help screen, then the message). The
 * signed WhatsApp webhook names no conversation: ingest opens one for the
 * customer (a text-less conversation.started, then the message in it), the
 * same shape as web chat and e-mail (docs/channels.md). VIPs are known from a CRM event before: ingest
 * stamps their tag on what they send. No agent is online, so everything
 * stays queued where triage put it.
 */
const ORIGIN = 'http://shop.test';
const SITE_KEY = 'pk_test_12345678';
const EMAIL_KEY = 'e2e-email-signing-key';
const WHATSAPP_APP_SECRET = 'e2e-whatsapp-app-secret';

let om: TestOmnilane;
beforeAll(async () => {
  om = await startTestOmnilane({ WEBCHAT_SITE_KEYS: `${SITE_KEY}@${ORIGIN}`, EMAIL_WEBHOOK_SIGNING_KEY: EMAIL_KEY, WHATSAPP_APP_SECRET });
});
afterAll(async () => om?.cleanup());

let n = 0;
const uniq = (p: string) => `${p}-${Date.now().toString(36)}-${++n}`;

/** Web chat: a visitor connects, says hello, sends one message; returns the conversation id. */
async function webchat(text: string): Promise<string> {
  const v = await TestVisitor.connect(om.url, ORIGIN);
  try {
    v.send({ type: 'hello', site_key: SITE_KEY, visitor_id: uniq('visitor') });
    const w = await v.next((f) => f.type === 'welcome');
    v.send({ type: 'message', client_msg_id: 'm1', text });
    await v.next((f) => f.type === 'ack' && f.client_msg_id === 'm1');
    return w.conversation_id as string;
  } finally {
    v.close();
  }
}

/** E-mail: a new thread through the signed inbound-parse webhook; returns the conversation id it names. */
async function email(from: string, subject: string, text: string): Promise<string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const token = uniq('token').padEnd(50, '0');
  const fd = new FormData();
  const fields = {
    headers: `Message-ID: <${uniq('mail')}@mail.example.cn>\nSubject: ${subject}\n`,
    from,
    to: 'sales@inbound.example.com',
    subject,
    text,
    timestamp,
    token,
    signature: emailSignature(EMAIL_KEY, timestamp, token),
  };
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  const res = await fetch(`${om.url}/v1/channels/email/inbound`, { method: 'POST', body: fd });
  expect(res.status).toBe(200);
  return ((await res.json()) as { conversation_id: string }).conversation_id;
}

/** App SDK: the client's batch to /v1/channels/app/events; the app opens a chat from its help screen, then the user writes. */
async function app(userId: string, text: string): Promise<string> {
  const conversation = uniq('app-conv');
  const client = new OmnilaneAppClient({
    baseUrl: om.url,
    key: om.ingestKey,
    userId,
    context: { os: 'Android 15', app_version: '3.1.0' },
    flushIntervalMs: 60_000,
    onError: (err) => {
      throw err;
    },
  });
  client.track('conversation.started', { screen: 'help' }, conversation);
  client.track('message.received', { text }, conversation);
  await client.flush();
  return conversation;
}

/** WhatsApp: the signed Cloud API webhook; ingest opens the conversation (`whatsapp:<wamid>`) with a text-less start. */
async function whatsapp(waId: string, text: string): Promise<string> {
  const wamid = `wamid.${uniq('m')}`;
  const raw = JSON.stringify({
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
              contacts: [{ profile: { name: '王小明' }, wa_id: waId }],
              messages: [{ from: waId, id: wamid, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } }],
            },
          },
        ],
      },
    ],
  });
  const res = await fetch(`${om.url}/v1/channels/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(WHATSAPP_APP_SECRET, raw) },
    body: raw,
  });
  expect(res.status).toBe(200);
  return `whatsapp:${wamid}`;
}

describe('triage on the customer words, through the channel adapters', () => {
  it('routes the 12 zh/en conversations of the report to the right skill group', async () => {
    // A CRM marks two customers VIP; ingest remembers and stamps the tag on their later events.
    const crm = await om.post('/v1/events', {
      events: [
        {
          id: uniq('crm'),
          type: 'touchpoint',
          channel: 'web',
          occurred_at: Date.now() - 60_000,
          customer: { email: 'ceo@bigcorp.cn' },
          properties: { step: 'crm_sync', tag: 'VIP' },
        },
        {
          id: uniq('crm'),
          type: 'touchpoint',
          channel: 'web',
          occurred_at: Date.now() - 60_000,
          customer: { external_id: 'u-vip-7' },
          properties: { step: 'crm_sync', tag: 'VIP' },
        },
      ],
    });
    expect(crm.status).toBe(202);
    const cases: Array<[name: string, open: () => Promise<string>, group: string, intent: string]> = [
      [
        'VIP enterprise quote (zh, e-mail)',
        () => email('CEO <ceo@bigcorp.cn>', '采购咨询', '你好，我们公司想采购企业版，能给个报价吗？'),
        'senior_sales',
        'price_inquiry',
      ],
      [
        'VIP enterprise quote (en, app)',
        () => app('u-vip-7', 'Could you send us a quote for the enterprise plan, 200 seats?'),
        'senior_sales',
        'price_inquiry',
      ],
      ['app crash (zh, app)', () => app(uniq('u'), 'APP一打开就闪退，怎么办'), 'tech_support', 'tech_support'],
      ['app crash (en, app)', () => app(uniq('u'), 'The app keeps crashing when I open it on Android'), 'tech_support', 'tech_support'],
      ['refund request (zh, WhatsApp)', () => whatsapp('8613800138001', '我要退款，订单号 20260102'), 'after_sale', 'after_sale'],
      ['refund request (en, e-mail)', () => email('amy@example.com', 'my order', 'I want a refund for my last order'), 'after_sale', 'after_sale'],
      ['complaint (zh, web chat)', () => webchat('客服态度太差了，我要投诉'), 'complaints', 'complaint'],
      ['complaint (en, WhatsApp)', () => whatsapp('447700900123', 'This is the worst service I have ever had, I want to complain'), 'complaints', 'complaint'],
      ['price question (zh, web chat)', () => webchat('请问专业版多少钱？'), 'pre_sale', 'price_inquiry'],
      ['price question (en, web chat)', () => webchat('How much is the pro plan per user?'), 'pre_sale', 'price_inquiry'],
      ['login problem (zh, WhatsApp)', () => whatsapp('8613800138002', '登录不了，一直提示密码错误'), 'tech_support', 'tech_support'],
      ['invoice (en, e-mail)', () => email('bob@example.com', 'invoice', 'Please send me an invoice for order 7788'), 'after_sale', 'after_sale'],
    ];
    const ids: string[] = [];
    for (const [, open] of cases) ids.push(await open());
    const routing = om.routing!;
    // Wait until routing has read everything and every conversation is queued somewhere.
    const end = Date.now() + 20_000;
    for (;;) {
      const states = await Promise.all(ids.map((id) => routing.desk.store.conv(id)));
      if ((await routing.service!.lag()) === 0 && states.every((s) => s?.status === 'queued')) break;
      if (Date.now() > end) throw new Error(`routing did not queue all 12: ${JSON.stringify(states.map((s) => s?.group ?? null))}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    // What the console shows (admin sees every queue).
    const res = await om.get('/v1/console/queue');
    expect(res.status).toBe(200);
    const { queues } = (await res.json()) as { queues: Array<{ group: string; items: Array<{ conversation_id: string; intent: string }> }> };
    const where = (id: string) => queues.flatMap((q) => q.items.filter((i) => i.conversation_id === id).map((i) => [q.group, i.intent]));
    expect(cases.map(([name], i) => [name, ...where(ids[i])])).toEqual(cases.map(([name, , group, intent]) => [name, [group, intent]]));
  }, 60_000);
});
