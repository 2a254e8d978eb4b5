import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every file below `dir` (none when it does not exist). */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** True when one of the files holds `needle` as UTF-8 bytes (a byte search, as someone with disk access would run). */
export function anyFileContains(files: readonly string[], needle: string): boolean {
  const bytes = Buffer.from(needle, 'utf8');
  return files.some((f) => readFileSync(f).includes(bytes));
}
