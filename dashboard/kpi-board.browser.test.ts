import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, launchChromium, signInThroughForm } from '../test/support/browser.js';
import { startTestOmnilane, type TestOmnilane } from '../test/support/omnilane.js';

// The issue 6 board in Chromium: KPI tiles with exact numbers, the funnel, the KPI time series (JSON and
// Arrow), drill-down to the posted conversations, the frt_p90 alert banner, and both languages.
let om: TestOmnilane;
let browser: Browser;

beforeAll(async () => {
  // Alerts are evaluated every second here (default 15 s) so the banner shows up within the test.
  om = await startTestOmnilane({ ALERT_INTERVAL_MS: '1000' });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await om?.cleanup();
});

const CONVERSATIONS = ['kpi-conv-1', 'kpi-conv-2', 'kpi-conv-3'];
let seq = 0;
type Ev = { type: string; conv: string; customer: string; channel: string; agoS: number; properties?: Record<string, unknown> };
async function post(events: Ev[]): Promise<void> {
  const now = Date.now();
  const body = events.map((e) => ({
    id: `kpi-${seq++}`,
    type: e.type,
    channel: e.channel,
    occurred_at: now - e.agoS * 1000,
    customer: { external_id: e.customer },
    conversation_id: e.conv,
    properties: e.properties ?? {},
  }));
  const res = await om.post('/v1/events', { events: body });
  expect(res.status).toBe(202);
}

/**
 * Three inquiries (web, wechat, web); the first gets a reply after 90 s (first response p90 > 60 s trips the
 * default frt_p90 rule), an opportunity and a ¥1,288 deal; CSAT 5 and 3 (avg 4, half satisfied); NPS 10 and 8
 * (one promoter, no detractor: +50).
 */
async function postScenario(): Promise<void> {
  const [a, b, c] = CONVERSATIONS;
  await post([
    { type: 'conversation.started', conv: a, customer: 'kc1', channel: 'web', agoS: 150 },
    { type: 'message.received', conv: a, customer: 'kc1', channel: 'web', agoS: 150 },
    { type: 'message.sent', conv: a, customer: 'kc1', channel: 'web', agoS: 60, properties: { agent: 'amy' } },
    { type: 'opportunity.created', conv: a, customer: 'kc1', channel: 'web', agoS: 50, properties: { value: 2000 } },
    { type: 'deal.won', conv: a, customer: 'kc1', channel: 'web', agoS: 40, properties: { value: 1288 } },
    { type: 'csat.submitted', conv: a, customer: 'kc1', channel: 'web', agoS: 35, properties: { score: 5 } },
    { type: 'nps.submitted', conv: a, customer: 'kc1', channel: 'web', agoS: 35, properties: { score: 10 } },
    { type: 'conversation.started', conv: b, customer: 'kc2', channel: 'wechat', agoS: 30 },
    { type: 'message.received', conv: b, customer: 'kc2', channel: 'wechat', agoS: 30 },
    { type: 'message.sent', conv: b, customer: 'kc2', channel: 'wechat', agoS: 20, properties: { agent: 'bob' } },
    { type: 'csat.submitted', conv: b, customer: 'kc2', channel: 'wechat', agoS: 15, properties: { score: 3 } },
    { type: 'nps.submitted', conv: b, customer: 'kc2', channel: 'wechat', agoS: 15, properties: { score: 8 } },
    { type: 'conversation.started', conv: c, customer: 'kc3', channel: 'web', agoS: 10 },
  ]);
}

async function openBoard(locale: string): Promise<Page> {
  // A browser zone other than the server's KPI zone (Asia/Shanghai), so charts that followed the browser would show.
  const ctx = await browser.newContext({ locale, timezoneId: 'America/New_York', viewport: { width: 1440, height: 900 } });
  const page = await ctx.newPage();
  await signInThroughForm(page, om.url, 'admin', om.passwords().get('admin')!);
  return page;
}

const value = (page: Page, id: string) => page.locator(`[data-testid=${id}] .tile-value`).getAttribute('data-value');
const text = (page: Page, id: string) => page.locator(`[data-testid=${id}] .tile-value`).textContent();

describe('KPI board in Chromium', () => {
  let page: Page;

  it('shows the KPI tiles with the exact numbers of the posted events', async () => {
    await postScenario();
    page = await openBoard('en-US');
    await expect.poll(() => value(page, 'tile-inquiries'), { timeout: 15_000 }).toBe('3');
    await expect.poll(() => value(page, 'tile-deals'), { timeout: 10_000 }).toBe('1');
    expect(await value(page, 'tile-deal-value')).toBe('1288');
    expect(await text(page, 'tile-deal-value')).toBe('¥1,288');
    expect(Number(await value(page, 'tile-inquiry-to-opportunity'))).toBeCloseTo(1 / 3, 6);
    expect(await text(page, 'tile-inquiry-to-opportunity')).toBe('33.3%');
    expect(await text(page, 'tile-opportunity-to-deal')).toBe('100%');
    await expect.poll(() => value(page, 'tile-csat'), { timeout: 10_000 }).toBe('4');
    expect(await text(page, 'tile-csat-satisfied')).toBe('50%');
    expect(await value(page, 'tile-nps')).toBe('50');
    expect(await text(page, 'tile-nps')).toBe('+50');
    expect(await text(page, 'tile-complaint-rate')).toBe('0%');
    // replies after 90 s and 10 s: the response times are those two
    expect(await text(page, 'tile-response-p90')).toBe('1m 30s');
    // no routing in this scenario: no SLA, no queue or load samples
    expect(await text(page, 'tile-sla')).toBe('—');
  });

  it('updates the tiles from live pushes within 2 s', async () => {
    const t0 = Date.now();
    await post([{ type: 'conversation.started', conv: 'kpi-conv-4', customer: 'kc4', channel: 'sms', agoS: 1 }]);
    await expect.poll(() => value(page, 'tile-inquiries'), { timeout: 5_000, interval: 100 }).toBe('4');
    expect(Date.now() - t0).toBeLessThan(2_000);
  });

  it('draws the funnel and the KPI series, switching to Arrow for a long minute series', async () => {
    await expect.poll(() => page.locator('[data-testid=board] [data-testid=chart-conversion-funnel]').getAttribute('data-empty')).toBe('false');
    expect(await page.locator('[data-testid=board] [data-testid=chart-conversion-funnel] canvas').count()).toBeGreaterThan(0);
    const series = page.locator('[data-testid=chart-kpi-series]');
    await expect.poll(() => series.getAttribute('data-transport'), { timeout: 10_000 }).toBe('json');
    expect(Number(await series.getAttribute('data-points'))).toBeGreaterThan(0);
    await page.locator('[data-testid=series-range]').selectOption('24h');
    await expect.poll(() => series.getAttribute('data-transport'), { timeout: 10_000 }).toBe('arrow');
    expect(Number(await series.getAttribute('data-points'))).toBeGreaterThan(0);
  });

  it('names the KPI time zone on every time axis, the heatmap included, whatever zone the browser is in', async () => {
    expect(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe('America/New_York');
    for (const id of ['chart-events', 'chart-conversations', 'chart-kpi-series']) {
      await expect
        .poll(() => page.locator(`[data-testid=board] [data-testid=${id}]`).getAttribute('data-x-axis-name'), { timeout: 10_000 })
        .toBe('Time (Asia/Shanghai)');
    }
    // agent load comes from the routing gauges, sampled every 10 s
    const heat = page.locator('[data-testid=chart-heatmap]');
    await expect.poll(() => heat.getAttribute('data-empty'), { timeout: 30_000 }).toBe('false');
    expect(await heat.getAttribute('data-x-axis-name')).toBe('Time (Asia/Shanghai)');
  });

  it('drills from a tile into the conversations behind it', async () => {
    await page.locator('[data-testid=tile-inquiries]').click();
    const panel = page.locator('[data-testid=drill-panel]');
    await expect.poll(() => panel.isVisible()).toBe(true);
    await expect.poll(() => panel.getAttribute('data-state'), { timeout: 10_000 }).toBe('ok');
    const ids = await page.locator('[data-testid=drill-table] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-conversation-id')));
    expect(ids).toEqual(expect.arrayContaining(CONVERSATIONS));
    expect(await page.locator('[data-testid=drill-customer]').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/\S/)]));
    await page.screenshot({ path: join(ARTIFACTS, 'kpi-board-drill.png') });
    await page.locator('[data-testid=drill-close]').click();
    await expect.poll(() => panel.isVisible()).toBe(false);
  });

  it('shows the first-response alert, in Chinese after switching language', async () => {
    const banner = page.locator('[data-testid=alert-banner]');
    await expect.poll(() => banner.isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await banner.locator('li[data-rule-id=frt_p90]').count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'kpi-board-en.png'), fullPage: true });
    await page.locator('[data-testid=lang-switch] [data-lang=zh-CN]').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    expect(await page.locator('[data-testid=tile-inquiries] .tile-title').textContent()).toBe('咨询量');
    expect(await text(page, 'tile-response-p90')).toBe('1分30秒');
    await expect.poll(() => page.locator('[data-testid=chart-heatmap]').getAttribute('data-x-axis-name')).toBe('时间 (Asia/Shanghai)');
    expect(await banner.locator('li[data-rule-id=frt_p90] .alert-message').textContent()).toMatch(/[\u4e00-\u9fff]/);
    await page.screenshot({ path: join(ARTIFACTS, 'kpi-board-zh.png'), fullPage: true });
    await page.context().close();
  });
});
