import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestVisitor } from '../ingest/channels/webchat/ws-test-client.js';
import { ARTIFACTS, launchChromium, signInAsKeyOwner, takeConversation } from '../test/support/browser.js';
import { callOk, rosterMembers, startTestOmnilane, type TestOmnilane } from '../test/support/omnilane.js';

/**
 * Reply suggestions in the agent console (issue 15, deliverable 3): a price-sensitive customer writes on the web
 * chat; the console shows three suggestions, the time-limited offer among them; a click fills the reply box and
 * sends nothing; when the customer writes again (in English, about a login error) the suggestions follow.
 */
const SITE_KEY = 'pk_suggest_12345678';
const ORIGIN = 'http://shop.test';
const ASK = '这个太贵了，有没有优惠？企业版多少钱？';

let om: TestOmnilane;
let browser: Browser;
const visitors: TestVisitor[] = [];

const call = (key: string, method: string, path: string, body?: unknown) => callOk(om.url, key, method, path, body);

beforeAll(async () => {
  om = await startTestOmnilane({ WEBCHAT_SITE_KEYS: `${SITE_KEY}@${ORIGIN}` });
  browser = await launchChromium();
});
afterAll(async () => {
  for (const v of visitors) v.close();
  await browser?.close();
  await om?.cleanup();
});

describe('reply suggestions in the console (Chromium)', () => {
  it('shows three suggestions with the time-limited offer; a click fills the reply box and sends nothing; they follow the customer', async () => {
    const roster = await rosterMembers(om);
    const seller = roster.find((r) => r.agent.role === 'agent' && r.agent.groups.includes('pre_sale'))!;
    for (const r of roster) await call(r.key, 'PUT', '/v1/console/me/presence', { presence: r === seller ? 'online' : 'offline' });

    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 960 } });
    const page = await ctx.newPage();
    await signInAsKeyOwner(page, om, seller.key, '#/console');
    await expect.poll(() => page.locator('[data-testid=console-live]').getAttribute('data-state'), { timeout: 15_000 }).toBe('live');

    const visitor = await TestVisitor.connect(om.url, ORIGIN);
    visitors.push(visitor);
    visitor.send({ type: 'hello', site_key: SITE_KEY, visitor_id: 'visitor-suggest-01' });
    const conv = (await visitor.next((f) => f.type === 'welcome')).conversation_id as string;
    visitor.send({ type: 'message', client_msg_id: 'q1', text: ASK });
    await visitor.next((f) => f.type === 'ack' && f.client_msg_id === 'q1');

    const offered = page.locator(`[data-testid=offered-list] [data-conversation="${conv}"]`);
    const queued = page.locator(`[data-testid=queue-list] [data-conversation="${conv}"]`);
    await expect.poll(async () => (await offered.count()) + (await queued.count()), { timeout: 30_000 }).toBeGreaterThan(0);
    await takeConversation(page, conv);
    const active = page.locator(`[data-testid=active-list] [data-conversation="${conv}"]`);
    await active.click();

    // Three suggestions, the time-limited offer among them, rendered without template syntax.
    const suggestions = page.locator('[data-testid=suggestion]');
    await expect.poll(() => suggestions.count(), { timeout: 10_000 }).toBe(3);
    const texts = await suggestions.allTextContents();
    expect(
      texts.some((t) => t.includes('限时优惠')),
      texts.join(' | '),
    ).toBe(true);
    for (const t of texts) expect(t).not.toMatch(/\{\{|\}\}/);
    expect(await page.locator('.suggest-hint').textContent()).toBe('点击放入回复框，可修改后由您发送。');
    await page.screenshot({ path: join(ARTIFACTS, 'console-suggestions-zh.png'), fullPage: true });

    // A click fills the (editable) reply box; nothing is sent.
    const offer = page.locator('[data-testid=suggestion][data-script="offer-limited-zh"]');
    const offerText = (await offer.textContent()) ?? '';
    await offer.click();
    expect(await page.locator('[data-testid=chat-input]').inputValue()).toBe(offerText);
    expect(await page.locator('[data-testid=chat-input]').isEditable()).toBe(true);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await page.locator('[data-testid=chat-messages] .msg-out').count()).toBe(0);
    const sent = await call(seller.key, 'GET', `/v1/console/conversations/${conv}`);
    expect((sent.messages as Array<{ direction: string }>).filter((m) => m.direction === 'out')).toEqual([]);
    await expect(visitor.next((f) => f.type === 'message' && f.from === 'agent', 500)).rejects.toThrow();

    // The customer writes again, in English, about a login error: the suggestions follow.
    visitor.send({ type: 'message', client_msg_id: 'q2', text: 'I cannot log in, the app shows an error' });
    await expect.poll(() => page.locator('[data-testid=suggestion]').first().getAttribute('data-script'), { timeout: 10_000 }).toBe('tech-help-en');
    // The box keeps what the agent had; the agent edits and sends it themselves.
    expect(await page.locator('[data-testid=chat-input]').inputValue()).toBe(offerText);

    // The agent takes the new suggestion, edits it and sends it: the customer gets the edited text, and the
    // console reported the script as used (a second report is a repeat).
    const help = page.locator('[data-testid=suggestion][data-script="tech-help-en"]');
    await help.click();
    const edited = `${(await help.textContent()) ?? ''} (Chrome or Safari?)`;
    await page.locator('[data-testid=chat-input]').fill(edited);
    await page.locator('[data-testid=chat-send]').click();
    expect(await visitor.next((f) => f.type === 'message' && f.from === 'agent', 10_000)).toMatchObject({ text: edited });
    // One probe only (a probe that records would make a second one pass): give the console's report a moment.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await call(seller.key, 'POST', `/v1/conversations/${conv}/suggestions/tech-help-en/used`, {})).recorded).toBe(false);
  });
});
