import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, launchChromium, signInAsKeyOwner } from '../test/support/browser.js';
import { startTestOmnilane, type TestOmnilane } from '../test/support/omnilane.js';

/**
 * Finding a customer in the console (issue 11, part 4): a customer writes on WeChat giving their phone; the sales
 * manager of the team whose queue holds the conversation types the phone in another writing into the search box
 * and sees the profile and timeline. A manager of another team finds nobody. Customer text (an external id that
 * looks like HTML) shows as text.
 */
const PHONE_AT_INGEST = '+86 139 1234 5678';
const ASK = '你好，我想买企业版，请问多少钱？';
const EXTERNAL_ID = '<img src=x onerror="window.__xss=1">crm-88';

let om: TestOmnilane;
let browser: Browser;
const secrets = new Map<string, string>();

async function open(locale: string, key: string): Promise<Page> {
  const ctx = await browser.newContext({ locale, viewport: { width: 1440, height: 960 } });
  const page = await ctx.newPage();
  await signInAsKeyOwner(page, om, key, '#/console');
  await expect.poll(() => page.locator('[data-testid=customer-search-input]').isVisible(), { timeout: 15_000 }).toBe(true);
  return page;
}

async function search(page: Page, text: string): Promise<void> {
  await page.locator('[data-testid=customer-search-input]').fill(text);
  await page.locator('[data-testid=customer-search-submit]').click();
}

beforeAll(async () => {
  om = await startTestOmnilane({ IDENTITY_DEFAULT_COUNTRY_CODE: '86' });
  for (const k of await om.rosterKeys()) secrets.set(k.id, k.secret);
  const res = await om.post('/v1/events', {
    events: [
      {
        id: 'search-start-1',
        type: 'conversation.started',
        channel: 'wechat',
        occurred_at: Date.now(),
        customer: { external_id: EXTERNAL_ID, phone: PHONE_AT_INGEST, channel_ids: { wechat: 'oWx-search-1' } },
        conversation_id: 'conv-search-1',
        properties: { text: ASK },
      },
      {
        id: 'search-msg-1',
        type: 'message.received',
        channel: 'wechat',
        occurred_at: Date.now(),
        customer: { channel_ids: { wechat: 'oWx-search-1' } },
        conversation_id: 'conv-search-1',
        properties: { text: ASK },
      },
    ],
  });
  expect(res.status).toBe(202);
  await om.drained();
  // Ownership: Wang (team east, pre-sale) takes the conversation, so it is his and his manager Lin's customer.
  const wang = secrets.get('ag_wang')!;
  const asWang = (method: string, path: string, body?: unknown) =>
    fetch(om.url + path, {
      method,
      headers: { authorization: `Bearer ${wang}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  expect((await asWang('PUT', '/v1/console/me/presence', { presence: 'online' })).status).toBe(200);
  const until = Date.now() + 15_000;
  while ((await asWang('POST', '/v1/console/conversations/conv-search-1/accept')).status !== 200) {
    if (Date.now() > until) throw new Error('Wang could not take conv-search-1');
    await new Promise((r) => setTimeout(r, 100));
  }
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await om?.cleanup();
});

describe('customer search in the console (Chromium)', () => {
  it('a sales manager types a phone number and sees the profile; another team finds nobody', async () => {
    const lin = secrets.get('mgr_lin');
    const grace = secrets.get('mgr_grace');
    expect(lin && grace, 'the demo roster gives mgr_lin and mgr_grace keys').toBeTruthy();
    // Wang of team_east, which mgr_lin manages, holds the pre-sale conversation
    const found = async () => ((await (await om.get('/v1/customers?phone=13912345678', lin)).json()) as { customers?: Array<{ id: string }> }).customers ?? [];
    await expect.poll(async () => (await found()).length, { timeout: 15_000 }).toBe(1);
    const customer = (await found())[0].id;

    const page = await open('zh-CN', lin!);
    expect(await page.locator('[data-testid=customer-search-submit]').textContent()).toBe('查找');
    expect(await page.locator('[data-testid=customer-pane]').isVisible()).toBe(false);
    await search(page, '139-1234-5678');
    await expect.poll(() => page.locator('[data-testid=customer-profile] .customer-id strong').textContent(), { timeout: 10_000 }).toBe(customer);
    expect(await page.locator('[data-testid=customer-pane]').isVisible()).toBe(true);
    // the HTML-looking external id is text: shown literally, no element made, no script run
    expect(await page.locator('[data-testid=customer-profile] .customer-id').textContent()).toContain(EXTERNAL_ID);
    expect(await page.locator('[data-testid=customer-profile] img').count()).toBe(0);
    expect(await page.locator('[data-testid=customer-search-results] img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('[data-testid=customer-profile] .identifiers').textContent()).toContain('phone:+8613912345678');
    await expect
      .poll(() => page.locator('[data-testid=customer-timeline] li[data-type="message.received"]').allTextContents(), { timeout: 10_000 })
      .toEqual(expect.arrayContaining([expect.stringContaining(ASK)]));
    // the result stays listed to reopen; the chat still asks to pick a conversation
    expect(await page.locator(`[data-testid=customer-search-results] [data-customer="${customer}"]`).count()).toBe(1);
    expect(await page.locator('[data-testid=chat-pick]').isVisible()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'customer-search-zh.png'), fullPage: true });

    // A malformed number is named as such, in the chosen language.
    await page.locator('[data-testid=lang-switch] [data-lang=en]').click();
    await page.locator('[data-testid=customer-search-kind]').selectOption('phone');
    await search(page, '12');
    await expect.poll(() => page.locator('[data-testid=customer-search-status]').textContent()).toContain('not a phone number');
    await page.context().close();

    // A manager of another team cannot find this customer by phone, e-mail-style id or WeChat openid.
    const other = await open('en-US', grace!);
    await search(other, PHONE_AT_INGEST);
    await expect.poll(() => other.locator('[data-testid=customer-search-status]').getAttribute('data-status'), { timeout: 10_000 }).toBe('none');
    expect(await other.locator('[data-testid=customer-search-status]').textContent()).toContain(PHONE_AT_INGEST);
    await other.locator('[data-testid=customer-search-kind]').selectOption('wechat');
    await search(other, 'oWx-search-1');
    await expect
      .poll(() => other.locator('[data-testid=customer-search-status]').textContent(), { timeout: 10_000 })
      .toBe('No customer you may see matches “oWx-search-1”.');
    expect(await other.locator('[data-testid=customer-pane]').isVisible()).toBe(false);
    await other.context().close();
  });
});
