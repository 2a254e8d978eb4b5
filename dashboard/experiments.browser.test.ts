import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRng } from '../shared/random.js';
import { launchChromium, signInThroughForm } from '../test/support/browser.js';
import { startTestOmnilane, type TestOmnilane } from '../test/support/omnilane.js';

const DAY = 86_400_000;
let om: TestOmnilane;
let browser: Browser;

type Ev = { id: string; type: string; channel: string; occurred_at: number; customer: { external_id: string }; properties?: Record<string, unknown> };

async function send(events: Ev[]) {
  for (let i = 0; i < events.length; i += 1000) {
    const r = await om.post('/v1/events', { events: events.slice(i, i + 1000) });
    expect(r.status).toBe(202);
    expect((await r.json()).rejected).toEqual([]);
  }
}

/**
 * Data with known answers: an experiment over the last 12 days where the warm script converts inquiries to
 * opportunities at 35 % against 20 % (so the call is ship), and a month of inquiries where WeChat brings the
 * most but converts at 20 % against 40 % elsewhere (the channel insight).
 */
beforeAll(async () => {
  om = await startTestOmnilane();
  const now = Date.now();
  const start = now - 12 * DAY;
  const rng = seededRng(42);
  const events: Ev[] = [];
  for (let i = 0; i < 1200; i++) {
    const variant = i % 2 ? 'warm' : 'control';
    const at = start + Math.floor((i / 1200) * 11.5 * DAY);
    const customer = { external_id: `exp-${i}` };
    events.push({ id: `x${i}`, type: 'experiment.exposed', channel: 'web', occurred_at: at, customer, properties: { experiment_id: 'warm-script', variant } });
    if (rng() < (variant === 'warm' ? 0.35 : 0.2))
      events.push({ id: `xo${i}`, type: 'opportunity.created', channel: 'web', occurred_at: at + 3600_000, customer });
  }
  const channels: Array<[string, number, number]> = [
    ['wechat', 500, 0.2],
    ['web', 300, 0.4],
    ['sms', 250, 0.4],
  ];
  let n = 0;
  for (const [channel, count, rate] of channels)
    for (let i = 0; i < count; i++, n++) {
      const at = now - 20 * DAY + n * 60_000;
      const customer = { external_id: `ins-${n}` };
      events.push({ id: `c${n}`, type: 'conversation.started', channel, occurred_at: at, customer });
      if (rng() < rate) {
        events.push({ id: `o${n}`, type: 'opportunity.created', channel, occurred_at: at + 600_000, customer });
        events.push({ id: `d${n}`, type: 'deal.won', channel, occurred_at: at + 1200_000, customer, properties: { value: 100 } });
      }
    }
  await send(events);
  await om.drained();
  const def = await om.post(
    '/v1/experiments',
    {
      id: 'warm-script',
      name: '报价话术：热情版',
      target: 'reply_script',
      primary_metric: 'inquiry_to_opportunity',
      variants: [
        { id: 'control', weight: 1, config: { script: 'price-v1' } },
        { id: 'warm', weight: 1, config: { script: 'price-warm' } },
      ],
      started_at: new Date(start).toISOString(),
    },
    om.adminKey,
  );
  expect(def.status).toBe(201);
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await om?.cleanup();
});

/** Signs in through the form as the admin and opens `hash`. */
async function open(locale: string, hash: string): Promise<Page> {
  const ctx = await browser.newContext({ locale, viewport: { width: 1366, height: 900 } });
  const page = await ctx.newPage();
  await signInThroughForm(page, om.url, 'admin', om.passwords().get('admin')!, hash);
  return page;
}

describe('experiment page and insight panel in Chromium', () => {
  it('shows the ship call, SRM status, the metric table matching the API and a lift chart per metric', async () => {
    const api = await (await om.get('/v1/experiments/warm-script/report')).json();
    expect(api.decision).toMatchObject({ call: 'ship', variant: 'warm' });
    const page = await open('en-US', '#/experiments/warm-script');
    await expect.poll(() => page.locator('[data-testid=exp-decision]').getAttribute('data-call'), { timeout: 15_000 }).toBe('ship');
    expect(await page.locator('[data-testid=exp-call]').textContent()).toBe('Ship warm');
    expect(await page.locator('[data-testid=exp-rule]').textContent()).toContain('always-valid');
    expect(await page.locator('[data-testid=exp-srm]').getAttribute('data-mismatch')).toBe('false');
    const units = await page.locator('[data-testid=exp-units] tr[data-variant] td[data-field=n]').allTextContents();
    expect(units.map(Number)).toEqual(api.units.map((u: { n: number }) => u.n));
    const primary = api.metrics.find((m: { primary: boolean }) => m.primary).comparisons[0];
    const row = page.locator('[data-testid=exp-metrics] tr[data-metric=inquiry_to_opportunity][data-variant=warm]');
    expect(await row.getAttribute('data-verdict')).toBe('better');
    expect(Number(await row.locator('td[data-field=lift]').getAttribute('data-value'))).toBeCloseTo(primary.lift, 12);
    // A chart per metric, the primary one with the lift line and its interval band drawn over the daily looks.
    await expect.poll(() => page.locator('[data-testid=exp-chart-inquiry_to_opportunity] canvas').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await expect
      .poll(async () => JSON.parse((await page.locator('[data-testid=exp-chart-inquiry_to_opportunity]').getAttribute('data-series')) ?? '[]'), {
        timeout: 10_000,
      })
      .toEqual(expect.arrayContaining([expect.objectContaining({ id: 'lift-warm', points: 13 }), expect.objectContaining({ id: 'band-warm' })]));
    expect(await page.locator('[data-testid^=exp-chart-]').count()).toBe(6);
    // The list links to it.
    await page.locator('[data-testid=exp-back]').click();
    await expect.poll(() => page.locator('[data-testid=exp-link-warm-script]').count()).toBe(1);
    await page.locator('[data-testid=exp-link-warm-script]').click();
    await expect.poll(() => page.locator('[data-testid=exp-decision]').isVisible()).toBe(true);
  });

  it('speaks Chinese: the call, the metric names and the insight that WeChat converts below the other channels', async () => {
    const page = await open('zh-CN', '#/experiments/warm-script');
    await expect.poll(() => page.locator('[data-testid=exp-call]').textContent(), { timeout: 15_000 }).toBe('上线 warm');
    expect(await page.locator('[data-testid=nav-experiments]').textContent()).toBe('实验');
    expect(await page.locator('[data-testid=exp-metrics]').textContent()).toContain('咨询 → 商机');
    await page.locator('[data-testid=nav-board]').click();
    await expect.poll(() => page.locator('[data-testid=insight-channel]').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.locator('[data-testid=insight-channel]').getAttribute('data-channel')).toBe('wechat');
    const text = await page.locator('[data-testid=insight-channel]').textContent();
    expect(text).toContain('微信');
    expect(text).toMatch(/Holm 校正后 p = /);
    expect(await page.locator('[data-testid=insights-method]').textContent()).toContain('Mann-Whitney');
    const api = await (await om.get('/v1/insights')).json();
    expect(api.channels.filter((c: { finding: boolean }) => c.finding).map((c: { channel: string }) => c.channel)).toEqual(['wechat']);
  });

  it('in English: the panel reads in English and shows no agent finding where no agent has enough deals', async () => {
    const page = await open('en-US', '');
    await expect.poll(() => page.locator('[data-testid=insights-panel]').getAttribute('data-loaded'), { timeout: 15_000 }).toBe('true');
    expect(await page.locator('[data-testid=insights-panel] .panel-title').textContent()).toBe('Insights (last 30 days)');
    // No agent has enough deals here, so no agent finding; the channel finding reads in English.
    expect(await page.locator('[data-testid=insight-agent]').count()).toBe(0);
    expect(await page.locator('[data-testid=insight-channel]').textContent()).toContain('WeChat');
  });
});
