import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestVisitor } from '../ingest/channels/webchat/ws-test-client.js';
import { ARTIFACTS, launchChromium, signInAsKeyOwner, takeConversation } from '../test/support/browser.js';
import { callOk, rosterMembers, startTestOmnilane, type TestOmnilane } from '../test/support/omnilane.js';

/**
 * The labelling loop in the agent console (issue 15, deliverable 5): the FAQ bot answers a queued web chat
 * question; the agent takes the conversation, marks the bot's answer wrong and corrects the intent with the
 * chip's select; both land in DATA_DIR/labels with the server's copy of the text.
 */
const SITE_KEY = 'pk_labels_12345678';
const ORIGIN = 'http://shop.test';
const ASK = '发票抬头写错了能重开吗';

let om: TestOmnilane;
let browser: Browser;
const visitors: TestVisitor[] = [];

const call = (key: string, method: string, path: string, body?: unknown) => callOk(om.url, key, method, path, body);
const lines = (file: string) =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>)
    : [];

beforeAll(async () => {
  om = await startTestOmnilane({ WEBCHAT_SITE_KEYS: `${SITE_KEY}@${ORIGIN}`, BOT_ENABLED: 'true', BOT_CHANNELS: 'web' });
  browser = await launchChromium();
});
afterAll(async () => {
  for (const v of visitors) v.close();
  await browser?.close();
  await om?.cleanup();
});

describe('labelling in the console (Chromium)', () => {
  it('marks a bot answer wrong and corrects the intent; both are stored with the server-side text', async () => {
    const roster = await rosterMembers(om);
    // Nobody online: the conversation stays queued, so the bot answers it.
    for (const r of roster) await call(r.key, 'PUT', '/v1/console/me/presence', { presence: 'offline' });
    const visitor = await TestVisitor.connect(om.url, ORIGIN);
    visitors.push(visitor);
    visitor.send({ type: 'hello', site_key: SITE_KEY, visitor_id: 'visitor-labels-01' });
    const conv = (await visitor.next((f) => f.type === 'welcome')).conversation_id as string;
    visitor.send({ type: 'message', client_msg_id: 'q1', text: ASK });
    const end = Date.now() + 15_000;
    for (;;) {
      const meta = await om.routing!.desk.meta.get(conv);
      if (meta?.messages.some((m) => m.bot)) break;
      if (Date.now() > end) throw new Error('the bot never answered');
      await new Promise((res) => setTimeout(res, 50));
    }
    const group = (await om.routing!.desk.store.conv(conv))!.group;
    const seller = roster.find((r) => r.agent.role === 'agent' && r.agent.groups.includes(group))!;

    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 960 } });
    const page = await ctx.newPage();
    await signInAsKeyOwner(page, om, seller.key, '#/console');
    await expect.poll(() => page.locator('[data-testid=console-live]').getAttribute('data-state'), { timeout: 15_000 }).toBe('live');
    const queued = page.locator(`[data-testid=queue-list] [data-conversation="${conv}"]`);
    await expect.poll(() => queued.count(), { timeout: 15_000 }).toBe(1);
    await takeConversation(page, conv);
    const active = page.locator(`[data-testid=active-list] [data-conversation="${conv}"]`);
    await active.click();

    // The bot's answer carries the button; the customer's message does not.
    const wrong = page.locator('[data-testid=bot-wrong]');
    await expect.poll(() => wrong.count(), { timeout: 10_000 }).toBe(1);
    expect(await wrong.textContent()).toBe('回答有误');
    const select = page.locator('[data-testid=intent-select]');
    expect(await select.isEnabled()).toBe(true);
    const before = await select.inputValue();
    expect(before).toBe('after_sale');
    await page.screenshot({ path: join(ARTIFACTS, 'console-labels-zh.png'), fullPage: true });

    await wrong.click();
    await expect.poll(() => wrong.textContent(), { timeout: 5_000 }).toBe('已标记有误');
    const fb = lines(join(om.dataDir, 'labels', 'bot-feedback.jsonl'));
    expect(fb).toHaveLength(1);
    expect(fb[0]).toMatchObject({ conversation_id: conv, verdict: 'wrong', question: ASK, agent_id: seller.agent.id });

    await select.selectOption('logistics');
    await expect.poll(() => lines(join(om.dataDir, 'labels', 'intent-corrections.jsonl')).length, { timeout: 5_000 }).toBe(1);
    expect(lines(join(om.dataDir, 'labels', 'intent-corrections.jsonl'))[0]).toMatchObject({
      text: ASK,
      intent: 'logistics',
      agent_id: seller.agent.id,
      model_intent: 'after_sale',
      conversation_id: conv,
    });
    await expect.poll(() => page.locator('[data-testid=intent-select]').inputValue(), { timeout: 5_000 }).toBe('logistics');
    expect((await call(seller.key, 'GET', `/v1/console/conversations/${conv}`)).conversation.intent).toBe('logistics');
  });
});
