import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, launchChromium, signInAsKeyOwner } from '../test/support/browser.js';
import { startTestOmnilane, type TestOmnilane } from '../test/support/omnilane.js';

/**
 * The script library editor in the console (issue 15, deliverable 3): a manager lists the library, creates a
 * script (tag × stage × intent, a variable), edits its text and deletes it, each through the API; an agent
 * does not see the editor.
 */
let om: TestOmnilane;
let browser: Browser;

const call = async (key: string, method: string, path: string) => {
  const res = await fetch(om.url + path, { method, headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};

beforeAll(async () => {
  om = await startTestOmnilane({});
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await om?.cleanup();
});

describe('script library editor (Chromium)', () => {
  it('a manager creates, edits and deletes a script; an agent does not see the editor', async () => {
    const keys = await om.rosterKeys();
    const roster = await Promise.all(
      keys.map(async (k) => ({ key: k.secret, agent: (await call(k.secret, 'GET', '/v1/console/me')).body.agent as { id: string; role: string } })),
    );
    const manager = roster.find((r) => r.agent.role === 'manager')!;
    const agent = roster.find((r) => r.agent.role === 'agent')!;
    const before = (await call(manager.key, 'GET', '/v1/suggestions/scripts')).body.scripts.length as number;

    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 1400 } });
    const page = await ctx.newPage();
    await signInAsKeyOwner(page, om, manager.key, '#/console');
    const pane = page.locator('[data-testid=scripts-pane]');
    await expect.poll(() => page.locator('[data-testid=scripts-table] tbody tr[data-script]').count(), { timeout: 15_000 }).toBe(before);
    expect(await pane.locator('.panel-title').textContent()).toBe('话术库');

    // Create.
    await page.locator('[data-testid=script-new]').click();
    await page.locator('[data-testid=script-id]').fill('vip-gift-zh');
    await page.locator('[data-testid=script-lang]').selectOption('zh');
    await page.locator('fieldset[data-field=tags] input[value=VIP]').check();
    await page.locator('fieldset[data-field=stages] input[value=closing]').check();
    await page.locator('fieldset[data-field=intents] input[value=purchase]').check();
    await page.locator('[data-testid=script-text]').fill('{{name}}，今天下单{{product}}再送一年延保。');
    await page.locator('[data-testid=script-save]').click();
    const row = page.locator('[data-testid=scripts-table] tr[data-script="vip-gift-zh"]');
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    let lib = (await call(manager.key, 'GET', '/v1/suggestions/scripts')).body.scripts as Array<Record<string, unknown>>;
    expect(lib.find((s) => s.id === 'vip-gift-zh')).toEqual({
      id: 'vip-gift-zh',
      lang: 'zh',
      tags: ['VIP'],
      stages: ['closing'],
      intents: ['purchase'],
      text: '{{name}}，今天下单{{product}}再送一年延保。',
    });
    expect(await row.locator('td').nth(2).textContent()).toBe('VIP');

    // A bad variable is refused before it is sent.
    await row.locator('[data-testid=script-edit]').click();
    expect(await page.locator('[data-testid=script-id]').getAttribute('readonly')).not.toBeNull();
    await page.locator('[data-testid=script-text]').fill('{{nmae}} 您好');
    await page.locator('[data-testid=script-save]').click();
    await expect.poll(() => page.locator('[data-testid=scripts-status]').textContent()).toContain('{{nmae}}');

    // Edit.
    await page.locator('[data-testid=script-text]').fill('{{name}}，今天下单再送两年延保，{{offer_end}}截止。');
    await page.locator('[data-testid=script-save]').click();
    await expect
      .poll(() => row.locator('[data-testid=script-row-text]').textContent(), { timeout: 10_000 })
      .toBe('{{name}}，今天下单再送两年延保，{{offer_end}}截止。');
    await page.screenshot({ path: join(ARTIFACTS, 'console-scripts-zh.png'), fullPage: true });

    // Delete (asks once more on the same button).
    await row.locator('[data-testid=script-delete]').click();
    expect(await row.locator('[data-testid=script-delete]').textContent()).toBe('删除话术 vip-gift-zh？');
    await row.locator('[data-testid=script-delete]').click();
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(0);
    lib = (await call(manager.key, 'GET', '/v1/suggestions/scripts')).body.scripts;
    expect(lib).toHaveLength(before);

    // An agent: no editor, and the routes refuse.
    // Its own browser context: the manager's session cookie stays with the manager's page.
    const agentCtx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 960 } });
    const agentPage = await agentCtx.newPage();
    await signInAsKeyOwner(agentPage, om, agent.key, '#/console');
    await expect.poll(() => agentPage.locator('[data-testid=console-view]').getAttribute('data-ready'), { timeout: 15_000 }).toBe('true');
    expect(await agentPage.locator('[data-testid=scripts-pane]').isHidden()).toBe(true);
    expect((await call(agent.key, 'DELETE', '/v1/suggestions/scripts/offer-limited-zh')).status).toBe(403);
  });
});
