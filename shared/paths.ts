import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The folder holding package.json, found from this file whether run from source or dist/. */
export function projectRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'sql'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the Omnilane project root (package.json beside sql/)');
    dir = up;
  }
  cached = dir;
  return dir;
}
