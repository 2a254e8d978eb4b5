import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, OmnilaneError } from './errors.js';
import { projectRoot } from './paths.js';

describe('error catalogue', () => {
  const doc = readFileSync(join(projectRoot(), 'docs', 'errors.md'), 'utf8');
  it.each(Object.keys(ERROR_CATALOGUE))('%s is documented in docs/errors.md with its status', (code) => {
    const row = doc.split('\n').find((l) => l.startsWith(`| \`${code}\` |`));
    expect(row, `docs/errors.md has no row for ${code}`).toBeDefined();
    expect(row).toContain(`| ${ERROR_CATALOGUE[code as keyof typeof ERROR_CATALOGUE].status} |`);
  });
  it('codes carry their stage prefix and a known status', () => {
    for (const [code, e] of Object.entries(ERROR_CATALOGUE)) {
      expect(code).toMatch(/^(ING|STR|WH|API|CFG|BUS|STATE|ATTR|REPLAY|ROUTE|IMPORT|BOT|PRIV|FOLLOWUP|EXP)_ERR_[A-Z_]+$/);
      expect([400, 401, 403, 404, 409, 410, 413, 415, 429, 500, 503]).toContain(e.status);
    }
  });
  it('errors carry code and status', () => {
    const e = new OmnilaneError('ING_ERR_NOT_JSON', 'x');
    expect([e.code, e.statusCode]).toEqual(['ING_ERR_NOT_JSON', 400]);
  });
});
