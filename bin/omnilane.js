#!/usr/bin/env node
// Runs the compiled CLI (npm run build); from a source checkout without a
// build it falls back to tsx so `npx omnilane` works during development.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'cli', 'omnilane.js');
if (!existsSync(built)) {
  const { register } = await import('tsx/esm/api');
  register();
}
const entry = existsSync(built) ? built : join(root, 'cli', 'omnilane.ts');
const { main } = await import(pathToFileURL(entry).href);
await main(process.argv.slice(2));
