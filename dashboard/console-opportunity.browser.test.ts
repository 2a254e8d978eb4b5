import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestVisitor } from '../ingest/channels/webchat/ws-test-client.js';
import { ARTIFACTS, launchChromium, signInAsKeyOwner, takeConversation } from '../test/support/browser.js';
import { callOk, rosterMembers, startTestOmnilane, type TestOmnilane } from '../test/support/omnilane.js';

/**
 * Issue 15 part 4 in Chromium: an agent takes a web chat purchase question, presses "转为商机" with a value, the
 * console confirms, the customer pane lists the CRM opportunity (embedded CRM) and the timeline records
 * opportunity.created once.
 */
const SITE_KEY = 'pk_console_opp_1234';
const ORIGIN = 'http://shop.test';
const GROUP = 'pre_sale';
const ASK = '你好，我想买这款手机，请问多少钱？有现货吗？';

let om: TestOmnilane;
let browser: Browser;
let visitor: TestVisitor | undefined;

const call = (key: string, method: string, path: string, body?: unknown) => callOk(om.url, key, method, path, body);

beforeAll(async () => {
  om = await startTestOmnilane({ WEBCHAT_SITE_KEYS: `${SITE_KEY}@${ORIGIN}` });
  browser = await launchChromium();
});
afterAll(async () => {
  visitor?.close();
  await browser?.close();
  await om?.cleanup();
});

describe('qualify as opportunity in the console', () => {
  it('转为商机: the CRM opportunity shows in the customer pane, opportunity.created once on the timeline', async () => {
    const roster = await rosterMembers(om);
    const a = roster.find((r) => r.agent.role === 'agent' && r.agent.groups.includes(GROUP))!;
    for (const r of roster) await call(r.key, 'PUT', '/v1/console/me/presence', { presence: r === a ? 'online' : 'offline' });

    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 960 } });
    const page: Page = await ctx.newPage();
    await signInAsKeyOwner(page, om, a.key, '#/console');
    await expect.poll(() => page.locator('[data-testid=console-whoami]').getAttribute('data-agent-id'), { timeout: 15_000 }).toBe(a.agent.id);
    await expect.poll(() => page.locator('[data-testid=console-live]').getAttribute('data-state'), { timeout: 10_000 }).toBe('live');

    visitor = await TestVisitor.connect(om.url, ORIGIN);
    visitor.send({ type: 'hello', site_key: SITE_KEY, visitor_id: 'visitor-opp-01' });
    const conv = (await visitor.next((f) => f.type === 'welcome')).conversation_id as string;
    visitor.send({ type: 'message', client_msg_id: 'q1', text: ASK });
    await visitor.next((f) => f.type === 'ack' && f.client_msg_id === 'q1');

    const item = (list: string) => page.locator(`[data-testid=${list}-list] [data-conversation="${conv}"]`);
    await takeConversation(page, conv);
    await item('active').click();
    await expect.poll(() => page.locator('[data-testid=chat-status]').getAttribute('data-status'), { timeout: 10_000 }).toBe('active');

    const submit = page.locator('[data-testid=opportunity-submit]');
    await expect.poll(() => submit.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await submit.textContent()).toBe('转为商机');
    await page.locator('[data-testid=opportunity-value]').fill('3999');
    await page.locator('[data-testid=opportunity-product]').fill('旗舰手机');
    await submit.click();
    const notice = page.locator('[data-testid=console-notice]');
    await expect.poll(() => notice.getAttribute('data-key'), { timeout: 10_000 }).toMatch(/^console\.(opportunity\.done|error)/);
    expect(await notice.getAttribute('data-key'), (await notice.textContent()) ?? '').toBe('console.opportunity.done');
    const row = page.locator(`[data-testid=customer-opportunities] [data-opportunity="opp:${conv}"]`);
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    expect(await row.textContent()).toContain('旗舰手机');
    await page.screenshot({ path: join(ARTIFACTS, 'console-opportunity-zh.png'), fullPage: true });

    // A second press (a retry) updates the CRM opportunity; the event stays one.
    await submit.click();
    await expect.poll(() => notice.getAttribute('data-key'), { timeout: 10_000 }).toBe('console.opportunity.done');
    const customer = String((await call(a.key, 'GET', `/v1/console/conversations/${conv}`)).customer_id);
    await om.drained();
    const opps = async () =>
      (
        (await call(om.adminKey, 'GET', `/v1/customers/${encodeURIComponent(customer)}/timeline?limit=200`)).events as Array<{
          type: string;
          properties: Record<string, unknown>;
        }>
      ).filter((e) => e.type === 'opportunity.created');
    await expect.poll(async () => (await opps()).length, { timeout: 15_000 }).toBe(1);
    expect((await opps())[0].properties).toMatchObject({ opportunity_id: `opp:${conv}`, value: 3999, product: '旗舰手机' });
    await ctx.close();
  });
});
