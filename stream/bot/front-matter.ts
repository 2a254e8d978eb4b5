/**
 * A tiny front-matter parser for knowledge-base articles: a `---` line, `key: value` lines, a `---` line, then
 * the Markdown body. Values are strings, or lists written `[a, b]` or as `- item` lines under an empty key.
 * Quotes around a scalar are removed; `#` starts a comment line. Nothing else of YAML is supported on purpose:
 * an article is a few plain fields, and a clear error beats a silently misread nested structure.
 * Pure; never throws.
 */
export type FrontMatterValue = string | string[];

export type FrontMatterResult =
  | { ok: true; data: Record<string, FrontMatterValue>; body: string }
  | { ok: false; code: 'BOT_ERR_NO_FRONT_MATTER' | 'BOT_ERR_BAD_FRONT_MATTER'; line: number; reason: string };

const unquote = (s: string): string => {
  const t = s.trim();
  return t.length >= 2 && ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'"))) ? t.slice(1, -1) : t;
};

/** Parses `text` (BOM and CRLF tolerated). Line numbers in errors are 1-based in the file. */
export function parseFrontMatter(text: string): FrontMatterResult {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[0]?.trim() !== '---') return { ok: false, code: 'BOT_ERR_NO_FRONT_MATTER', line: 1, reason: 'the file does not start with a --- line' };
  const data: Record<string, FrontMatterValue> = {};
  let listKey: string | undefined;
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i];
    const line = raw.trim();
    if (line === '---')
      return {
        ok: true,
        data,
        body: lines
          .slice(i + 1)
          .join('\n')
          .trim(),
      };
    if (line === '' || line.startsWith('#')) continue;
    const bad = (reason: string): FrontMatterResult => ({ ok: false, code: 'BOT_ERR_BAD_FRONT_MATTER', line: i + 1, reason });
    if (line.startsWith('- ') || line === '-') {
      if (!listKey) return bad('a "- item" line outside a list');
      const item = unquote(line.slice(1));
      if (item) (data[listKey] as string[]).push(item);
      continue;
    }
    const m = /^([A-Za-z_][\w-]*)\s*:(.*)$/.exec(line);
    if (!m) return bad(`expected "key: value", got ${JSON.stringify(line.slice(0, 40))}`);
    const [, key, rest] = m;
    if (Object.hasOwn(data, key)) return bad(`the key "${key}" appears twice`);
    const value = rest.trim();
    listKey = undefined;
    if (value === '') {
      data[key] = [];
      listKey = key;
    } else if (value.startsWith('[')) {
      if (!value.endsWith(']')) return bad(`the list for "${key}" has no closing ]`);
      data[key] = value
        .slice(1, -1)
        .split(',')
        .map(unquote)
        .filter((s) => s !== '');
    } else {
      data[key] = unquote(value);
    }
  }
  return { ok: false, code: 'BOT_ERR_NO_FRONT_MATTER', line: lines.length, reason: 'the front matter has no closing --- line' };
}
