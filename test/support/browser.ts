import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { projectRoot } from '../../shared/paths.js';

/** Where browser suites leave screenshots. */
export const ARTIFACTS = join(projectRoot(), '.cache', 'test-artifacts');

/**
 * Debian's Chromium, headless, for the browser suites. Fails (never skips) with what to do when Chromium or
 * (unless `dashboard: false`) the built dashboard is missing.
 */
export async function launchChromium(opts: { dashboard?: boolean } = {}): Promise<Browser> {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) throw new Error(`Chromium not found at ${path}: run scripts/install-system-deps.sh (Debian package chromium)`);
  if (opts.dashboard !== false && !existsSync(join(projectRoot(), 'dashboard', 'dist', 'index.html')))
    throw new Error('dashboard is not built: run npm run build');
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: path,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/**
 * Signs in through the dashboard's form, as a person does (username and password; the server sets the session
 * cookie), then waits for the form to go. `hash` opens a route first (e.g. `#/console`).
 */
export async function signInThroughForm(page: Page, url: string, username: string, password: string, hash = ''): Promise<void> {
  await page.goto(`${url}/${hash}`);
  await page.locator('[data-testid=signin-username]').fill(username);
  await page.locator('[data-testid=signin-password]').fill(password);
  await page.locator('[data-testid=signin-submit]').click();
  await page.locator('[data-testid=signin-form]').waitFor({ state: 'hidden', timeout: 10_000 });
}

/** Signs in through the form as the person a test key (TestOmnilane.keyFor / rosterKeys) belongs to. */
export async function signInAsKeyOwner(
  page: Page,
  om: { url: string; userOfKey(secret: string): string; passwords(): Map<string, string> },
  secret: string,
  hash = '',
): Promise<void> {
  const username = om.userOfKey(secret);
  await signInThroughForm(page, om.url, username, om.passwords().get(username)!, hash);
}

/**
 * Takes conversation `conv` in the console on `page`: accepts its offer or takes it from the queue, whichever
 * holds it, until it is in the active list. Routing may move it from the queue to the offers (or an offer may
 * lapse back to the queue) between a look and a click, so one look and one click would be flaky.
 */
export async function takeConversation(page: Page, conv: string, timeoutMs = 30_000): Promise<void> {
  const at = (list: string) => page.locator(`[data-testid=${list}-list] [data-conversation="${conv}"]`);
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await at('active').count()) return;
    const button = (await at('offered').count()) ? at('offered').locator('[data-testid=accept]') : at('queue').locator('[data-testid=queue-take]');
    if (await button.count()) await button.click({ timeout: 2000 }).catch(() => undefined);
    await page.waitForTimeout(200);
  }
  throw new Error(`conversation ${conv} did not become active within ${timeoutMs} ms`);
}
