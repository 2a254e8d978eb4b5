import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, launchChromium, signInAsKeyOwner, signInThroughForm, takeConversation } from '../test/support/browser.js';
import { startTestOmnilane, type TestOmnilane } from '../test/support/omnilane.js';

/**
 * The dashboard, console and widget as an attacker meets them: every screen works under the server's
 * Content-Security-Policy (no violation from our own code), the dashboard refuses to be framed, and markup a
 * customer or an agent types (or an id in the audit log) is shown as text and never runs.
 */
const SITE_KEY = 'pk_security_12345678';
const PROBE_IN = '<img src=x onerror="window.__pwned=1">报价<script>window.__pwned=2</script>';
const PROBE_OUT = '<svg onload="window.__pwned=3"></svg><b>粗体</b>';
const PROBE_ID = '<img src=x onerror=window.__pwned=4>';

let om: TestOmnilane;
let browser: Browser;
let site: Server;
let siteUrl: string;

/** Records CSP violations and script injections in the page, before any of its own code runs. */
async function watched(ctx: BrowserContext): Promise<void> {
  await ctx.addInitScript(() => {
    (window as unknown as { __csp: string[] }).__csp = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
}
const violations = (p: Page) => p.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
const pwned = (p: Page) => p.evaluate(() => (window as unknown as { __pwned?: number }).__pwned ?? null);

async function page(hash: string, locale = 'en'): Promise<Page> {
  const ctx = await browser.newContext({ locale, viewport: { width: 1440, height: 960 } });
  await watched(ctx);
  const p = await ctx.newPage();
  await p.goto(`${om.url}/${hash}`);
  return p;
}

beforeAll(async () => {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const p = (probe.address() as AddressInfo).port;
      probe.close(() => resolve(p));
    });
  });
  siteUrl = `http://127.0.0.1:${port}`;
  om = await startTestOmnilane({ WEBCHAT_SITE_KEYS: `${SITE_KEY}@${siteUrl}` });
  // The customer's site embeds the widget; another page on it tries to frame the dashboard.
  site = createServer((req, res) => {
    const body =
      req.url === '/frame'
        ? `<!doctype html><html><body><iframe id="f" src="${om.url}/"></iframe></body></html>`
        : `<!doctype html><html><head><meta charset="utf-8"></head><body><h1>Shop</h1><script src="${om.url}/widget.js" data-site-key="${SITE_KEY}" async></script></body></html>`;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  });
  await new Promise<void>((resolve) => site.listen(port, '127.0.0.1', () => resolve()));
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (site ? site.close(() => resolve()) : resolve()));
  await om?.cleanup();
});

describe('the dashboard under its Content-Security-Policy', () => {
  it('draws the board (ECharts canvas), attribution and the audit view without a single CSP violation', async () => {
    const p = await page('');
    await signInThroughForm(p, om.url, 'admin', om.passwords().get('admin')!);
    await expect.poll(() => p.locator('[data-testid=board] canvas').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await p.goto(`${om.url}/#/attribution`);
    await expect.poll(() => p.locator('[data-testid=attribution-view]').isVisible(), { timeout: 10_000 }).toBe(true);
    await p.goto(`${om.url}/#/audit`);
    await expect.poll(() => p.locator('[data-testid=audit-chain]').getAttribute('data-ok'), { timeout: 10_000 }).toBe('true');
    expect(await violations(p)).toEqual([]);
    await p.context().close();
  });

  it('cannot be framed by another site (frame-ancestors none, X-Frame-Options DENY)', async () => {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await p.goto(`${siteUrl}/frame`);
    await p.waitForTimeout(1500);
    const framed = p.frames().find((f) => f !== p.mainFrame());
    // Chromium replaces a refused frame with an error page: the app's root never appears in it.
    const appRoot = framed
      ? await framed
          .locator('#app')
          .count()
          .catch(() => 0)
      : 0;
    expect(appRoot).toBe(0);
    await ctx.close();
  });
});

describe('markup probes render as text', () => {
  it('a customer message and an agent reply full of markup: text in the console and in the widget, nothing runs', async () => {
    // An agent of the demo roster goes online in the console.
    const agents = new Map((om.routing?.desk.roster.agents ?? []).map((a) => [a.id, a]));
    const keys = await om.rosterKeys();
    for (const k of keys) {
      await fetch(`${om.url}/v1/console/me/presence`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${k.secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ presence: 'offline' }),
      });
    }
    const agentKey = keys.find((k) => agents.get(k.id)?.role === 'agent' && agents.get(k.id)?.groups.includes('pre_sale'))!.secret;
    const con = await page('', 'zh-CN');
    await signInAsKeyOwner(con, om, agentKey, '#/console');
    await con.locator('[data-testid=presence-online]').click();
    await expect.poll(() => con.locator('[data-testid=console-live]').getAttribute('data-state'), { timeout: 15_000 }).toBe('live');

    // The visitor writes the probe through the widget on the customer's site.
    const shopCtx = await browser.newContext({ locale: 'zh-CN' });
    await watched(shopCtx);
    const shop = await shopCtx.newPage();
    await shop.goto(siteUrl);
    await shop.locator('[data-testid=wc-launcher]').click();
    await expect
      .poll(() => shop.evaluate(() => (window as unknown as { OmnilaneChat?: { client: { status: string } } }).OmnilaneChat?.client.status), {
        timeout: 15_000,
      })
      .toBe('online');
    await shop.locator('[data-testid=wc-input]').fill(PROBE_IN);
    await shop.locator('[data-testid=wc-send]').click();
    const conv = await shop.evaluate(
      () => (window as unknown as { OmnilaneChat: { client: { state: { conversationId: string } } } }).OmnilaneChat.client.state.conversationId,
    );

    const offered = con.locator(`[data-testid=offered-list] [data-conversation="${conv}"]`);
    const queued = con.locator(`[data-testid=queue-list] [data-conversation="${conv}"]`);
    await expect.poll(async () => (await offered.count()) + (await queued.count()), { timeout: 30_000 }).toBeGreaterThan(0);
    await takeConversation(con, conv);
    const active = con.locator(`[data-testid=active-list] [data-conversation="${conv}"]`);
    await active.click();
    await expect.poll(() => con.locator('[data-testid=chat-messages] .msg-in .msg-text').allTextContents(), { timeout: 15_000 }).toContain(PROBE_IN);
    expect(await con.locator('[data-testid=chat-messages] img, [data-testid=chat-messages] script').count()).toBe(0);

    await con.locator('[data-testid=chat-input]').fill(PROBE_OUT);
    await con.locator('[data-testid=chat-send]').click();
    const agentBubbles = shop.locator('[data-testid=wc-messages] .msg[data-from=agent][data-seq]');
    await expect.poll(() => agentBubbles.allTextContents(), { timeout: 15_000 }).toEqual(expect.arrayContaining([expect.stringContaining(PROBE_OUT)]));
    expect(await shop.locator('[data-testid=wc-messages] svg, [data-testid=wc-messages] b').count()).toBe(0);
    await con.screenshot({ path: join(ARTIFACTS, 'security-console-probe.png'), fullPage: true });

    // The customer's timeline beside the chat shows the probe as text too.
    await expect.poll(() => con.locator('[data-testid=customer-timeline]').textContent(), { timeout: 15_000 }).toContain('报价');
    expect(await con.locator('[data-testid=customer-timeline] img').count()).toBe(0);
    await con.waitForTimeout(500);
    expect(await pwned(con)).toBeNull();
    expect(await pwned(shop)).toBeNull();
    expect(await violations(con)).toEqual([]);
    await con.context().close();
    await shopCtx.close();
  });

  it('an id full of markup in the audit log is shown as text in the audit view', async () => {
    expect((await om.get(`/v1/customers/${encodeURIComponent(PROBE_ID)}`)).status).toBe(404);
    await om.audit!.idle();
    const p = await page('', 'zh-CN');
    await signInThroughForm(p, om.url, 'admin', om.passwords().get('admin')!);
    await p.goto(`${om.url}/#/audit`);
    const table = p.locator('[data-testid=audit-table]');
    await expect.poll(() => table.textContent(), { timeout: 10_000 }).toContain(`customer:${PROBE_ID}`);
    expect(await table.locator('img').count()).toBe(0);
    expect(await p.locator('[data-testid=audit-chain]').textContent()).toMatch(/哈希链完整/);
    expect(await pwned(p)).toBeNull();
    expect(await p.locator('[data-testid=nav-audit]').isVisible()).toBe(true);
    await p.context().close();
    // A sales manager has the board but not the audit log: no link to it.
    const m = await page('', 'zh-CN');
    await signInAsKeyOwner(m, om, await om.keyFor('mgr_lin'));
    await expect.poll(() => m.locator('[data-testid=nav-board]').isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await m.locator('[data-testid=nav-audit]').isVisible()).toBe(false);
    await m.context().close();
  });
});
