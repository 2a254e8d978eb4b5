import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../shared/clock.js';
import { silentLogger } from '../shared/logger.js';
import { projectRoot } from '../shared/paths.js';
import { buildTestApp } from '../test/support/app.js';
import { AttributionJob } from '../stream/attribution/attribution-job.js';
import { knownAnswerEvents } from '../stream/attribution/journey-fixtures.js';
import { ARTIFACTS, launchChromium, signInThroughForm } from '../test/support/browser.js';
import { stateLabel, touchLabel } from './src/attribution/labels.js';
import { translator } from './src/i18n/index.js';
import { startTestOmnilane, type TestOmnilane } from '../test/support/omnilane.js';

let om: TestOmnilane;
let browser: Browser;
let sidecar: { app: FastifyInstance; job: AttributionJob } | undefined;
/** Where the attribution routes are served: the running app once cli/runtime.ts wires the job, else a sidecar. */
let url: string;

const admin = (path: string, init: RequestInit = {}) =>
  fetch(url + path, { ...init, headers: { authorization: `Bearer ${om.adminKey}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });

beforeAll(async () => {
  om = await startTestOmnilane();
  url = om.url;
  const probe = await om.get('/v1/attribution');
  if (probe.status === 503) {
    // The composition root does not run the job yet: serve the same app, engines and keys with one.
    const log = silentLogger();
    const job = new AttributionJob({ warehouse: om.engines.warehouse, clock: systemClock, log, intervalMs: 60_000, lookbackDays: 30, bootstrapResamples: 50 });
    const app = await buildTestApp(
      { warehouse: om.engines.warehouse, clock: systemClock, access: om.access },
      { ingest: om.ingest, attribution: job, dashboardDir: join(projectRoot(), 'dashboard', 'dist') },
    );
    url = (await app.listen({ port: 0, host: '127.0.0.1' })).replace('[::1]', 'localhost');
    sidecar = { app, job };
  }
  const res = await om.post('/v1/events', { events: knownAnswerEvents(Date.now(), 'br') });
  expect(res.status).toBe(202);
  expect((await res.json()).accepted).toBeGreaterThan(0);
  await om.drained();
  const run = await admin('/v1/attribution/run', { method: 'POST', body: '{}' });
  expect(run.status).toBe(200);
  expect(await run.json()).toMatchObject({ journeys: 3, conversions: 3, value: 600 });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await sidecar?.job.stop();
  await sidecar?.app.close();
  await om?.cleanup();
});

async function open(locale: string, hash: string): Promise<Page> {
  const ctx = await browser.newContext({ locale, viewport: { width: 1366, height: 900 } });
  const page = await ctx.newPage();
  await signInThroughForm(page, url, 'admin', om.passwords().get('admin')!, hash);
  return page;
}

const canvases = (page: Page, testid: string) => page.locator(`[data-testid=${testid}] canvas`).count();
const cell = (page: Page, model: string, channel: string, field: string) =>
  page.locator(`[data-testid=attribution-table] tr[data-model="${model}"][data-channel="${channel}"] td[data-field=${field}]`).getAttribute('data-value');

describe('attribution view in Chromium', () => {
  it('shows the models, the table (matching the API), the transition graph and the funnel', async () => {
    const page = await open('en-US', '#/attribution');
    await expect.poll(() => page.locator('[data-testid=attribution-table] tbody tr').count(), { timeout: 15_000 }).toBe(14);
    expect(page.url()).not.toContain('key=');
    expect(page.url()).toContain('#/attribution');
    expect(await page.locator('[data-testid=board]').isVisible()).toBe(false);
    expect(await page.locator('[data-testid=nav-attribution]').getAttribute('aria-current')).toBe('page');

    // every number in the table is the API's
    const api = (await (await admin('/v1/attribution')).json()) as { models: Array<{ model: string; channels: Array<Record<string, number | null>> }> };
    expect(api.models).toHaveLength(7);
    for (const m of api.models) {
      for (const c of m.channels) {
        expect(Number(await cell(page, m.model, String(c.channel), 'conversions')), `${m.model} ${c.channel}`).toBe(c.conversions);
        expect(Number(await cell(page, m.model, String(c.channel), 'value'))).toBe(c.value);
        const re = await cell(page, m.model, String(c.channel), 'removal_effect');
        expect(re === '' ? null : Number(re)).toBe(c.removal_effect);
      }
    }
    // the known answer: Markov credits ad 2 and web chat 1
    expect(Number(await cell(page, 'markov', 'ad', 'conversions'))).toBeCloseTo(2, 9);
    expect(Number(await cell(page, 'markov', 'web_chat', 'conversions'))).toBeCloseTo(1, 9);
    expect(await page.locator('[data-testid=attribution-table] tr[data-model=markov][data-channel=ad] td[data-field=removal_effect]').textContent()).toBe(
      '100%',
    );
    expect(await cell(page, 'markov', 'ad', 'conversions_ci')).toMatch(/^[\d.]+,[\d.]+$/);

    for (const chart of ['chart-attribution-models', 'chart-markov-graph', 'chart-funnel']) {
      await expect.poll(() => canvases(page, chart), { timeout: 10_000 }).toBeGreaterThan(0);
      const box = await page.locator(`[data-testid=${chart}]`).boundingBox();
      expect(box!.width).toBeGreaterThan(200);
      expect(box!.height).toBeGreaterThan(150);
      expect(await page.locator(`[data-testid=${chart}]`).getAttribute('data-empty')).toBe('false');
    }

    // conversions ↔ value
    await page.locator('[data-testid=attr-metric] [data-metric=value]').click();
    await expect.poll(() => page.locator('[data-testid=attr-metric] [data-metric=value]').getAttribute('aria-pressed')).toBe('true');

    // funnel by channel, then by source
    const funnelCell = (key: string, field: string) =>
      page.locator(`[data-testid=funnel-table] tr[data-key="${key}"] td[data-field=${field}]`).getAttribute('data-value');
    await expect.poll(() => funnelCell('web', 'inquiries'), { timeout: 10_000 }).toBe('3');
    expect(await funnelCell('web', 'deals')).toBe('2');
    expect(await funnelCell('wechat', 'opportunities')).toBe('0');
    await page.locator('[data-testid=funnel-by]').selectOption('source');
    await expect.poll(() => funnelCell('google', 'deals'), { timeout: 10_000 }).toBe('2');
    expect(Number(await funnelCell('baidu', 'opportunity_rate'))).toBe(0.5);
    await page.screenshot({ path: join(ARTIFACTS, 'attribution-en.png'), fullPage: true });

    // back to the board and again, without reloading
    await page.locator('[data-testid=nav-board]').click();
    await expect.poll(() => page.locator('[data-testid=board]').isVisible()).toBe(true);
    expect(await page.locator('[data-testid=attribution-view]').isVisible()).toBe(false);
    await page.locator('[data-testid=nav-attribution]').click();
    await expect.poll(() => page.locator('[data-testid=attribution-view]').isVisible()).toBe(true);
    await page.context().close();
  });

  it('speaks Chinese and switches language', async () => {
    const page = await open('zh-CN', '');
    await expect.poll(() => page.locator('[data-testid=nav-attribution]').textContent(), { timeout: 10_000 }).toBe('归因');
    expect(await page.locator('[data-testid=board]').isVisible()).toBe(true);
    await page.locator('[data-testid=nav-attribution]').click();
    await expect.poll(() => page.locator('[data-testid=attribution-table] tbody tr').count(), { timeout: 15_000 }).toBe(14);
    expect(await page.locator('[data-testid=attribution-table] thead').textContent()).toContain('移除效应');
    expect(await page.locator('[data-testid=attribution-table] tr[data-model=markov][data-channel=web_chat] td').first().textContent()).toBe('马尔可夫链');
    await expect.poll(() => canvases(page, 'chart-markov-graph'), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=funnel-by] option[value=segment]').textContent()).toBe('客户分群');
    await page.screenshot({ path: join(ARTIFACTS, 'attribution-zh.png'), fullPage: true });
    await page.locator('[data-testid=lang-switch] [data-lang=en]').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('en');
    await expect.poll(() => page.locator('[data-testid=attribution-table] thead').textContent()).toContain('Removal effect');
    expect(await page.locator('[data-testid=nav-attribution]').textContent()).toBe('Attribution');
    expect(await page.locator('[data-testid=attribution-table] tr[data-model=markov][data-channel=web_chat] td').nth(1).textContent()).toBe('Web chat');
    await page.context().close();
  });
  it('names every channel under the model bars and draws the Markov graph with its labels', async () => {
    // journeys over many channels (touches and chats), so the category axis is crowded
    const now = Date.now();
    const touches = ['social', 'email', 'web', 'ad'];
    const chats = ['wechat', 'app', 'sms', 'whatsapp', 'email', 'voice'];
    const events = chats.flatMap((chat, c) => {
      const t0 = now - 2 * 86_400_000 + c * 3_600_000;
      const cust = { external_id: `many-c${c}` };
      return [
        { id: `many-${c}-1`, type: 'touchpoint', channel: touches[c % touches.length], occurred_at: t0, customer: cust, properties: {} },
        { id: `many-${c}-2`, type: 'touchpoint', channel: touches[(c + 1) % touches.length], occurred_at: t0 + 60_000, customer: cust, properties: {} },
        {
          id: `many-${c}-3`,
          type: 'conversation.started',
          channel: chat,
          occurred_at: t0 + 120_000,
          customer: cust,
          conversation_id: `many-conv-${c}`,
          properties: {},
        },
        { id: `many-${c}-4`, type: 'deal.won', channel: chat, occurred_at: t0 + 600_000, customer: cust, properties: { value: 100 } },
      ];
    });
    expect((await om.post('/v1/events', { events })).status).toBe(202);
    await om.drained();
    expect((await admin('/v1/attribution/run', { method: 'POST', body: '{}' })).status).toBe(200);
    const { channels } = (await (await admin('/v1/attribution')).json()) as { channels: string[] };
    expect(channels.length).toBeGreaterThanOrEqual(10);
    const { transitions } = (await (await admin('/v1/attribution/transitions')).json()) as { transitions: Array<{ from: string; to: string }> };
    const states = [...new Set(transitions.flatMap((tr) => [tr.from, tr.to]))];
    expect(states).toEqual(expect.arrayContaining(['(start)', '(conversion)', 'wechat_chat']));

    for (const locale of ['en', 'zh-CN'] as const) {
      const page = await open(locale, '#/attribution');
      const models = page.locator('[data-testid=chart-attribution-models]');
      const drawn = async () => JSON.parse((await models.getAttribute('data-drawn-text')) ?? '[]') as string[];
      const t = translator(locale);
      await expect
        .poll(
          async () => {
            const shown = await drawn();
            return channels.filter((c) => !shown.includes(touchLabel(c, t)));
          },
          { timeout: 15_000 },
        )
        .toEqual([]);
      const graph = page.locator('[data-testid=chart-markov-graph]');
      // every state of the chain is named on the graph (none hidden for overlap)
      await expect
        .poll(async () => JSON.parse((await graph.getAttribute('data-drawn-text')) ?? '[]'), { timeout: 10_000 })
        .toEqual(expect.arrayContaining(states.map((st) => stateLabel(st, t))));
      await page.screenshot({ path: join(ARTIFACTS, `attribution-many-${locale}.png`), fullPage: true });
      await page.context().close();
    }
  });
});
