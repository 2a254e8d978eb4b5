import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, launchChromium, signInThroughForm } from '../test/support/browser.js';
import { startTestOmnilane, type TestOmnilane } from '../test/support/omnilane.js';

let om: TestOmnilane;
let browser: Browser;

beforeAll(async () => {
  om = await startTestOmnilane();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await om?.cleanup();
});

let seq = 0;
async function postEvents(n: number, channel: string): Promise<void> {
  const now = Date.now();
  const events = Array.from({ length: n }, (_, i) => {
    const k = seq++;
    return {
      id: `b${k}`,
      type: i === 0 ? 'conversation.started' : 'message.received',
      channel,
      occurred_at: now - 1000,
      customer: { external_id: `c${k % 7}` },
      conversation_id: `conv-${channel}`,
    };
  });
  const res = await om.post('/v1/events', { events });
  expect(res.status).toBe(202);
}

/** The generated admin password, from the 0600 file the start names (what a person does after npm start). */
const adminPassword = () => om.passwords().get('admin')!;

async function openBoard(locale: string, signIn = true): Promise<Page> {
  const ctx = await browser.newContext({ locale, viewport: { width: 1366, height: 768 } });
  const page = await ctx.newPage();
  if (signIn) await signInThroughForm(page, om.url, 'admin', adminPassword());
  else await page.goto(om.url);
  return page;
}

const tileValue = (page: Page, id: string) => page.locator(`[data-testid=${id}] .tile-value`).getAttribute('data-value');

describe('live board in Chromium', () => {
  it('shows the metrics and updates without a reload', async () => {
    await postEvents(5, 'web');
    const page = await openBoard('en-US');
    await expect.poll(() => tileValue(page, 'tile-events'), { timeout: 10_000 }).toBe('5');
    expect(page.url()).not.toContain('key=');
    // The session is an HttpOnly, SameSite=Strict cookie (no Secure over plain http); nothing in the page's storage.
    const [cookie] = await page.context().cookies();
    expect(cookie).toMatchObject({ name: 'omnilane_session', httpOnly: true, sameSite: 'Strict', secure: false });
    expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain(cookie.value);
    await expect.poll(() => page.locator('[data-testid=live-status]').textContent(), { timeout: 10_000 }).toMatch(/live/i);
    for (const chart of ['chart-events', 'chart-conversations', 'chart-mix', 'chart-frt']) {
      await expect.poll(() => page.locator(`[data-testid=${chart}] canvas`).count()).toBeGreaterThan(0);
    }
    const navigations: string[] = [];
    page.on('framenavigated', (f) => navigations.push(f.url()));
    const t0 = Date.now();
    await postEvents(3, 'wechat');
    await expect.poll(() => tileValue(page, 'tile-events'), { timeout: 5_000, interval: 100 }).toBe('8');
    const updateMs = Date.now() - t0;
    expect(navigations).toEqual([]);
    expect(await tileValue(page, 'tile-conversations')).toBe('2');
    expect(updateMs).toBeLessThan(5_000);
    await page.screenshot({ path: join(ARTIFACTS, 'board-en.png') });
    await page.context().close();
  });

  it('speaks Chinese to a Chinese browser and switches language on demand', async () => {
    const page = await openBoard('zh-CN');
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    await expect.poll(() => page.locator('[data-testid=live-status]').textContent(), { timeout: 10_000 }).toContain('实时');
    expect(await page.locator('[data-testid=tile-events]').textContent()).toMatch(/[\u4e00-\u9fff]/);
    await page.screenshot({ path: join(ARTIFACTS, 'board-zh.png') });
    await page.locator('[data-testid=lang-switch] [data-lang=en]').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('en');
    await expect.poll(() => page.locator('[data-testid=live-status]').textContent()).toMatch(/live/i);
    await page.reload();
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('en');
    await page.context().close();
  });

  it('asks for a username and password when nobody is signed in, refuses a wrong one, and signs out', async () => {
    const page = await openBoard('en-US', false);
    await expect.poll(() => page.locator('[data-testid=signin-form]').isVisible()).toBe(true);
    await page.locator('[data-testid=signin-username]').fill('admin');
    await page.locator('[data-testid=signin-password]').fill('not-the-right-password');
    await page.locator('[data-testid=signin-submit]').click();
    await expect.poll(() => page.locator('[data-testid=signin-error]').isVisible(), { timeout: 5_000 }).toBe(true);
    await page.locator('[data-testid=signin-password]').fill(adminPassword());
    await page.locator('[data-testid=signin-submit]').click();
    await expect.poll(() => tileValue(page, 'tile-events'), { timeout: 10_000 }).toBe('8');
    await page.locator('[data-testid=sign-out]').click();
    await expect.poll(() => page.locator('[data-testid=signin-form]').isVisible()).toBe(true);
    await page.reload();
    await expect.poll(() => page.locator('[data-testid=signin-form]').isVisible()).toBe(true);
    await page.context().close();
  });
});
