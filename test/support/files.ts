import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const vanished = (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT';

/** Every file at or below `root` (none when it does not exist). */
export function filesUnder(root: string): string[] {
  let isDir: boolean;
  try {
    isDir = statSync(root).isDirectory();
  } catch (e) {
    if (vanished(e)) return [];
    throw e;
  }
  if (!isDir) return [root];
  let names: string[];
  try {
    names = readdirSync(root);
  } catch (e) {
    if (vanished(e)) return [];
    throw e;
  }
  return names.flatMap((n) => filesUnder(join(root, n)));
}

/**
 * The files at or below `roots` that hold `needle` as UTF-8 bytes (a byte search, as someone with disk access would
 * run). Engines move files while we read: a ClickHouse insert renames its tmp_insert part, a merge replaces parts. A
 * file that vanishes between the listing and the read starts the whole search again from a fresh listing, so data
 * that moved under us into a part we had not listed is never skipped.
 */
export function filesContaining(roots: readonly string[], needle: string, attempts = 20): string[] {
  const bytes = Buffer.from(needle, 'utf8');
  for (let i = 1; ; i++) {
    try {
      return roots.flatMap(filesUnder).filter((f) => readFileSync(f).includes(bytes));
    } catch (e) {
      if (!vanished(e) || i >= attempts) throw e;
    }
  }
}

/** True when a file at or below `roots` holds `needle` (see filesContaining). */
export function anyFileContains(roots: readonly string[], needle: string): boolean {
  return filesContaining(roots, needle).length > 0;
}
