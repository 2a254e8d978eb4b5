import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestVisitor } from '../ingest/channels/webchat/ws-test-client.js';
import { ARTIFACTS, launchChromium, signInAsKeyOwner, takeConversation } from '../test/support/browser.js';
import { callOk, rosterMembers, startTestOmnilane, type TestOmnilane } from '../test/support/omnilane.js';

/**
 * A bot handoff end to end (issue 15, deliverable 2 and 6): with the FAQ bot on and nobody online, a web chat
 * customer asks for a person; the bot says a person is coming and asks which topic (a numbered menu); the
 * customer answers "2" (after-sale); the conversation moves to the after_sale queue; an after-sale agent sees
 * it there, takes it and finds the bot's intent, reason and summary at the top of the chat, above the transcript.
 */
const SITE_KEY = 'pk_handoff_12345678';
const ORIGIN = 'http://shop.test';

let om: TestOmnilane;
let browser: Browser;
const visitors: TestVisitor[] = [];

const call = (key: string, method: string, path: string, body?: unknown) => callOk(om.url, key, method, path, body);

beforeAll(async () => {
  om = await startTestOmnilane({ WEBCHAT_SITE_KEYS: `${SITE_KEY}@${ORIGIN}`, BOT_ENABLED: 'true', BOT_CHANNELS: 'web' });
  browser = await launchChromium();
});
afterAll(async () => {
  for (const v of visitors) v.close();
  await browser?.close();
  await om?.cleanup();
});

describe('bot handoff in the console (Chromium)', () => {
  it('customer asks for a person → told a person is coming → lands in the after-sale queue with intent and summary shown', async () => {
    const roster = await rosterMembers(om);
    // Nobody online: the conversation waits in its queue, where the bot may speak.
    for (const r of roster) await call(r.key, 'PUT', '/v1/console/me/presence', { presence: 'offline' });

    const visitor = await TestVisitor.connect(om.url, ORIGIN);
    visitors.push(visitor);
    visitor.send({ type: 'hello', site_key: SITE_KEY, visitor_id: 'visitor-handoff-01' });
    const conv = (await visitor.next((f) => f.type === 'welcome')).conversation_id as string;
    visitor.send({ type: 'message', client_msg_id: 'q1', text: '转人工' });
    const coming = await visitor.next((f) => f.type === 'message' && f.from === 'agent', 15_000);
    expect(coming.text).toMatch(/马上为您转人工/);
    expect(coming.text).toMatch(/2\. 售后：退款、退换货、发票/);
    expect((await om.routing!.desk.store.conv(conv))?.group).toBe('pre_sale');

    visitor.send({ type: 'message', client_msg_id: 'q2', text: '2' });
    const routed = await visitor.next((f) => f.type === 'message' && f.from === 'agent' && f !== coming, 15_000);
    expect(routed.text).toMatch(/已为您转给负责该问题的同事/);
    await expect.poll(async () => (await om.routing!.desk.store.conv(conv))?.group, { timeout: 10_000 }).toBe('after_sale');

    // An after-sale agent (not in pre_sale, so the queue they see is the one it landed in).
    const afterSale = roster.find((r) => r.agent.role === 'agent' && r.agent.groups.includes('after_sale') && !r.agent.groups.includes('pre_sale'))!;
    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 960 } });
    const page = await ctx.newPage();
    await signInAsKeyOwner(page, om, afterSale.key, '#/console');
    await expect.poll(() => page.locator('[data-testid=console-live]').getAttribute('data-state'), { timeout: 15_000 }).toBe('live');
    const queued = page.locator(`[data-testid=queue-list] [data-conversation="${conv}"]`);
    await expect.poll(() => queued.count(), { timeout: 15_000 }).toBe(1);
    await takeConversation(page, conv);
    const active = page.locator(`[data-testid=active-list] [data-conversation="${conv}"]`);
    await active.click();

    const card = page.locator('[data-testid=handoff-card]');
    await expect.poll(() => card.count(), { timeout: 10_000 }).toBe(1);
    expect(await card.getAttribute('data-intent')).toBe('after_sale');
    expect(await page.locator('[data-testid=handoff-intent]').textContent()).toBe('售后');
    expect(await page.locator('[data-testid=handoff-summary]').textContent()).toBe('after_sale (100%), clarified: 转人工 / 2');
    // The transcript under it: the customer's words and the bot's two replies, marked as the bot's.
    const msgs = page.locator('[data-testid=chat-messages] .msg');
    await expect.poll(() => msgs.count(), { timeout: 10_000 }).toBe(4);
    expect(await page.locator('[data-testid=chat-messages] .msg[data-bot=true]').count()).toBe(2);
    expect(await page.locator('[data-testid=chat-messages] .msg[data-bot=true] .msg-meta').first().textContent()).toContain('机器人');
    await page.screenshot({ path: join(ARTIFACTS, 'console-handoff-zh.png'), fullPage: true });
  });
});
