import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, launchChromium, signInAsKeyOwner, signInThroughForm } from '../test/support/browser.js';
import { startFakeProvider, type FakeProvider } from '../test/support/fake-provider.js';
import { startTestOmnilane, type TestOmnilane } from '../test/support/omnilane.js';

/**
 * Issue 16 item 1 in Chromium: a lead asked about the price on WeChat and got the first follow-up by SMS; the sales
 * manager finds the customer, sees the running sequence in the customer view's follow-up pane (自动跟进), cancels
 * it, and the pane and the API show it stopped as cancelled.
 */
const PHONE = '+86 139 5555 0001';
const ASK = '你好，我想买企业版，请问多少钱？';

let om: TestOmnilane;
let browser: Browser;
let provider: FakeProvider;
const secrets = new Map<string, string>();

const rules = {
  quiet_hours: null,
  frequency_cap: { max: 10, per_hours: 1 },
  links: { product_guide: { default: 'https://example.com/guide' } },
  rules: [{ id: 'price-lead', when: { intents: ['price_inquiry', 'purchase'], idle_minutes: 0 }, sequence: 'nurture' }],
  sequences: [
    {
      id: 'nurture',
      steps: [
        { wait_minutes: 0, channels: ['sms'], template: 'guide' },
        { wait_minutes: 600, channels: ['sms'], template: 'guide' },
      ],
    },
  ],
  templates: { guide: { zh: { text: '{name}您好：{product_guide_url} {opt_out}' }, en: { text: 'Hi {name}: {product_guide_url} {opt_out}' } } },
};

beforeAll(async () => {
  provider = await startFakeProvider();
  const dir = mkdtempSync(join(tmpdir(), 'followup-browser-'));
  writeFileSync(join(dir, 'rules.json'), JSON.stringify(rules));
  om = await startTestOmnilane({
    IDENTITY_DEFAULT_COUNTRY_CODE: '86',
    FOLLOWUP_ENABLED: 'true',
    FOLLOWUP_RULES_FILE: join(dir, 'rules.json'),
    TWILIO_ACCOUNT_SID: 'ACfu',
    TWILIO_AUTH_TOKEN: 'followup-browser-token-0123456789',
    SMS_FROM: '+14155550100',
    SMS_PROVIDER_URL: provider.url,
  });
  for (const k of await om.rosterKeys()) secrets.set(k.id, k.secret);
  const customer = { phone: PHONE, channel_ids: { wechat: 'oWx-followup-1' } };
  // Ownership: Wang (team east, pre-sale) once took a conversation of this customer and closed it, so the customer is
  // his and his manager Lin's; he then goes offline, so the price question below waits in the queue and follow-up runs.
  expect(
    (
      await om.post('/v1/events', {
        events: [
          {
            id: 'fu-start-0',
            type: 'conversation.started',
            channel: 'wechat',
            occurred_at: Date.now(),
            customer,
            conversation_id: 'conv-fu-0',
            properties: {},
          },
        ],
      })
    ).status,
  ).toBe(202);
  await om.drained();
  const wang = secrets.get('ag_wang')!;
  const asWang = (method: string, path: string, body?: unknown) =>
    fetch(om.url + path, {
      method,
      headers: { authorization: `Bearer ${wang}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  expect((await asWang('PUT', '/v1/console/me/presence', { presence: 'online' })).status).toBe(200);
  const until = Date.now() + 15_000;
  while ((await asWang('POST', '/v1/console/conversations/conv-fu-0/accept')).status !== 200) {
    if (Date.now() > until) throw new Error('Wang could not take conv-fu-0');
    await new Promise((r) => setTimeout(r, 100));
  }
  expect((await asWang('POST', '/v1/console/conversations/conv-fu-0/close', { outcome: 'resolved' })).status).toBe(200);
  expect((await asWang('PUT', '/v1/console/me/presence', { presence: 'offline' })).status).toBe(200);
  const at = Date.now();
  const res = await om.post('/v1/events', {
    events: [
      { id: 'fu-start-1', type: 'conversation.started', channel: 'wechat', occurred_at: at, customer, conversation_id: 'conv-fu-1', properties: { text: ASK } },
      { id: 'fu-msg-1', type: 'message.received', channel: 'wechat', occurred_at: at, customer, conversation_id: 'conv-fu-1', properties: { text: ASK } },
    ],
  });
  expect(res.status).toBe(202);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await om?.cleanup();
  await provider?.close();
});

describe('follow-up pane in the console (Chromium)', () => {
  it('shows the running sequence and its sent step, and cancels it', async () => {
    const lin = secrets.get('mgr_lin')!;
    expect(lin, 'the demo roster gives mgr_lin a key').toBeTruthy();
    const found = async () => ((await (await om.get('/v1/customers?phone=13955550001', lin)).json()) as { customers?: Array<{ id: string }> }).customers ?? [];
    await expect.poll(async () => (await found()).length, { timeout: 15_000 }).toBe(1);
    const customer = (await found())[0].id;
    const api = async () =>
      (await (await om.get(`/v1/customers/${encodeURIComponent(customer)}/followups`, lin)).json()) as {
        state: string;
        history: unknown[];
        stop: { reason: string } | null;
      };
    await expect.poll(async () => (await api()).history.length, { timeout: 15_000 }).toBe(1);
    expect(provider.requests.filter((r) => r.url.includes('/Messages.json'))).toHaveLength(1);

    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 960 } });
    const page: Page = await ctx.newPage();
    await signInAsKeyOwner(page, om, lin, '#/console');
    await expect.poll(() => page.locator('[data-testid=customer-search-input]').isVisible(), { timeout: 15_000 }).toBe(true);
    await page.locator('[data-testid=customer-search-input]').fill('139 5555 0001');
    await page.locator('[data-testid=customer-search-submit]').click();
    const pane = page.locator('[data-testid=followup-pane]');
    await expect.poll(() => pane.getAttribute('data-state'), { timeout: 10_000 }).toBe('active');
    expect(await pane.locator('.list-title').textContent()).toBe('自动跟进');
    expect(await page.locator('[data-testid=followup-summary]').textContent()).toContain('进行中');
    expect(await page.locator('[data-testid=followup-summary]').textContent()).toContain('nurture');
    expect(await page.locator('[data-testid=followup-steps] li[data-outcome=sent]').count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'console-followup-zh.png'), fullPage: true });

    const cancel = page.locator('[data-testid=followup-cancel]');
    expect(await cancel.textContent()).toBe('取消跟进');
    await cancel.click();
    await expect.poll(() => pane.getAttribute('data-state'), { timeout: 10_000 }).toBe('stopped');
    expect(await page.locator('[data-testid=followup-summary]').textContent()).toContain('已取消');
    expect(await page.locator('[data-testid=followup-note]').textContent()).toBe('跟进已取消');
    expect(await cancel.isVisible()).toBe(false);
    expect(await api()).toMatchObject({ state: 'stopped', stop: { reason: 'cancelled' } });
    // The cancel is an event too (via the outbox): followup.stopped reaches the warehouse.
    await expect
      .poll(
        async () =>
          (
            (await (await om.get(`/v1/customers/${encodeURIComponent(customer)}/timeline?limit=100`)).json()) as {
              events: Array<{ type: string; properties: { reason?: string } }>;
            }
          ).events.filter((e) => e.type === 'followup.stopped' && e.properties.reason === 'cancelled').length,
        { timeout: 15_000 },
      )
      .toBe(1);
    await ctx.close();
  });

  it('the board shows the follow-up panel: sent, replied, converted, opted out, running (en)', async () => {
    const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 960 } });
    const page: Page = await ctx.newPage();
    await signInThroughForm(page, om.url, 'admin', om.passwords().get('admin')!);
    const panel = page.locator('[data-testid=followup-panel]');
    await expect.poll(() => panel.isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await panel.locator('.board-section').textContent()).toBe('Follow-up (24 h)');
    expect(await panel.locator('[data-figure] .tile-title').allTextContents()).toEqual(['Sent', 'Replied', 'Converted', 'Opted out', 'Running now']);
    expect(await panel.locator('[data-figure=sent] .tile-value').textContent()).toBe('1');
    expect(await panel.locator('[data-figure=running] .tile-value').textContent()).toBe('0');
    await page.screenshot({ path: join(ARTIFACTS, 'board-followup-en.png') });
    await ctx.close();
  });
});
