import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestVisitor } from '../../ingest/channels/webchat/ws-test-client.js';
import { startTestOmnilane, type TestOmnilane } from '../support/omnilane.js';

/**
 * The FAQ bot on the live path (BOT_ENABLED=true; docs/ai.md, "FAQ bot"): a web chat visitor's question on a
 * queued conversation (no agent is online) is answered through the web chat sender and recorded as a bot
 * message; a complaint is handed over (the meta carries the handoff) and the visitor is told a person is coming.
 */
const ORIGIN = 'http://shop.test';
const SITE_KEY = 'pk_test_12345678';

let om: TestOmnilane;
beforeAll(async () => {
  om = await startTestOmnilane({ WEBCHAT_SITE_KEYS: `${SITE_KEY}@${ORIGIN}`, BOT_ENABLED: 'true', BOT_CHANNELS: 'web' });
});
afterAll(async () => om?.cleanup());

let n = 0;
async function ask(text: string): Promise<{ conversation: string; reply: string }> {
  const v = await TestVisitor.connect(om.url, ORIGIN);
  try {
    v.send({ type: 'hello', site_key: SITE_KEY, visitor_id: `visitor-${Date.now().toString(36)}-${++n}` });
    const w = await v.next((f) => f.type === 'welcome');
    v.send({ type: 'message', client_msg_id: 'm1', text });
    const f = await v.next((x) => x.type === 'message' && x.from === 'agent');
    return { conversation: w.conversation_id as string, reply: f.text as string };
  } finally {
    v.close();
  }
}

describe('FAQ bot, live', () => {
  it('answers a covered question through web chat, as a bot message.sent, and the conversation stays queued', async () => {
    const r = await ask('发票抬头写错了能重开吗');
    expect(r.reply).toContain('作废重开');
    const routing = om.routing!;
    const end = Date.now() + 10_000;
    for (;;) {
      const meta = await routing.desk.meta.get(r.conversation);
      if (meta?.messages.some((m) => m.direction === 'out')) break;
      if (Date.now() > end) throw new Error('the bot reply never reached the conversation transcript');
      await new Promise((res) => setTimeout(res, 50));
    }
    expect((await routing.desk.store.conv(r.conversation))?.status).toBe('queued');
    expect((await routing.desk.meta.get(r.conversation))?.handoff).toBeUndefined();
  });

  it('hands a complaint over: the visitor is told a person is coming, the meta holds intent and summary', async () => {
    const r = await ask('你们的客服太差劲了，我要投诉');
    expect(r.reply).toMatch(/人工客服/);
    const meta = await om.routing!.desk.meta.get(r.conversation);
    expect(meta?.handoff).toMatchObject({ reason: 'intent', intent: 'complaint' });
    expect(meta?.handoff?.summary).toContain('我要投诉');
  });
});
