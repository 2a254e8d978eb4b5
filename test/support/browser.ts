import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
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
  if (opts.dashboard !== false && !existsSync(join(projectRoot(), 'dashboard', 'dist', 'index.html'))) throw new Error('dashboard is not built: run npm run build');
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: path,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}
