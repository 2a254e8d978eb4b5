#!/usr/bin/env node
// Runs the compiled CLI (npm run build); from a source checkout without a
// build, or with OMNILANE_FROM_SOURCE=1 (the test suite sets it, so a stale
// dist/ never runs old code under test), it runs the sources through tsx.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'cli', 'omnilane.js');
const fromSource = process.env.OMNILANE_FROM_SOURCE === '1' || !existsSync(built);
if (fromSource) {
  const { register } = await import('tsx/esm/api');
  register();
}
const entry = fromSource ? join(root, 'cli', 'omnilane.ts') : built;
const { main } = await import(pathToFileURL(entry).href);
await main(process.argv.slice(2));
