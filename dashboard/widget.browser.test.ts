import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../shared/paths.js';
import { ARTIFACTS, launchChromium } from '../test/support/browser.js';
import { startTestOmnilane, type TestOmnilane } from '../test/support/omnilane.js';

const SITE_KEY = 'pk_browser_12345678';
let om: TestOmnilane;
let browser: Browser;
let site: Server;
let siteUrl: string;

/** A customer's web site on another origin: one page that embeds the widget from the Omnilane app. */
function startSite(port: number): Promise<Server> {
  const html = () => `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title></head>
<body><h1>Shop</h1><script src="${om.url}/widget.js" data-site-key="${SITE_KEY}" async></script></body></html>`;
  const server = createServer((req, res) => {
    const ok = req.url === '/';
    res.writeHead(ok ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' }).end(ok ? html() : 'not found');
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  // The widget is its own bundle; build it so the test never runs against a stale file.
  await build({ configFile: join(projectRoot(), 'dashboard', 'widget.vite.config.ts'), logLevel: 'warn' });
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const p = (probe.address() as AddressInfo).port;
      probe.close(() => resolve(p));
    });
  });
  siteUrl = `http://127.0.0.1:${port}`;
  om = await startTestOmnilane({ WEBCHAT_SITE_KEYS: `${SITE_KEY}@${siteUrl}` });
  site = await startSite(port);
  browser = await launchChromium({ dashboard: false });
});
afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (site ? site.close(() => resolve()) : resolve()));
  await om?.cleanup();
});

async function openShop(locale: string, url = siteUrl): Promise<Page> {
  const ctx = await browser.newContext({ locale, viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  await page.goto(url);
  return page;
}

const bubbles = (page: Page, from: string) => page.locator(`[data-testid=wc-messages] .msg[data-from=${from}][data-seq]`);

describe('web chat widget in Chromium', () => {
  it('serves widget.js for embedding on allowed sites', async () => {
    const res = await fetch(`${om.url}/widget.js`, { headers: { origin: siteUrl } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('access-control-allow-origin')).toBe(siteUrl);
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const other = await fetch(`${om.url}/widget.js`, { headers: { origin: 'https://elsewhere.test' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a visitor asks in Chinese, the agent replies through the API, the reply appears in the panel', async () => {
    const page = await openShop('zh-CN');
    await page.locator('[data-testid=wc-launcher]').click();
    await expect.poll(() => page.locator('[data-testid=wc-panel]').textContent()).toContain('在线咨询');
    await expect.poll(() => page.evaluate(() => (window as any).OmnilaneChat?.client.status)).toBe('online');
    await page.locator('[data-testid=wc-input]').fill('你好，这款沙发有现货吗？');
    await page.locator('[data-testid=wc-send]').click();
    await expect.poll(() => bubbles(page, 'visitor').count(), { timeout: 10_000 }).toBe(1);
    expect(await bubbles(page, 'visitor').first().textContent()).toBe('你好，这款沙发有现货吗？');

    const conv = await page.evaluate(() => (window as any).OmnilaneChat.client.state.conversationId as string);
    const res = await om.post(`/v1/conversations/${conv}/messages`, { text: '有现货，今天下单明天发货。', client_msg_id: 'r1' }, await om.actingKey('agent-1'));
    expect(res.status).toBe(201);
    await expect.poll(() => bubbles(page, 'agent').allTextContents(), { timeout: 10_000 }).toEqual(['有现货，今天下单明天发货。']);
    await page.screenshot({ path: join(ARTIFACTS, 'widget-zh.png') });

    // A reload resumes the same conversation without showing anything twice.
    await page.reload();
    await page.locator('[data-testid=wc-launcher]').click();
    await expect.poll(() => page.evaluate(() => (window as any).OmnilaneChat?.client.status)).toBe('online');
    await om.post(`/v1/conversations/${conv}/messages`, { text: '还有其他问题吗？', client_msg_id: 'r2' }, await om.actingKey('agent-1'));
    await expect.poll(() => bubbles(page, 'agent').allTextContents(), { timeout: 10_000 }).toEqual(['有现货，今天下单明天发货。', '还有其他问题吗？']);
    expect(await bubbles(page, 'visitor').count()).toBe(1);
    expect(await page.evaluate(() => (window as any).OmnilaneChat.client.state.conversationId)).toBe(conv);
    await page.context().close();
  });

  it('speaks English to an English browser and stays offline on a site the key does not allow', async () => {
    const page = await openShop('en-US', siteUrl.replace('127.0.0.1', 'localhost'));
    await page.locator('[data-testid=wc-launcher]').click();
    await expect.poll(() => page.locator('[data-testid=wc-panel]').textContent()).toContain('Chat with us');
    await expect.poll(() => page.locator('[data-testid=wc-status]').getAttribute('data-status'), { timeout: 10_000 }).toBe('offline');
    await page.context().close();
  });
});
