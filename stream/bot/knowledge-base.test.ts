import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { articleFromText, loadKnowledgeBase } from './knowledge-base.js';

const dir = mkdtempSync(join(tmpdir(), 'omnilane-kb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('knowledge base', () => {
  it('the shipped demo base loads cleanly: 20 articles, zh and en, ids unique', () => {
    const { articles, errors } = loadKnowledgeBase();
    expect(errors).toEqual([]);
    expect(articles).toHaveLength(20);
    expect(new Set(articles.map((a) => a.lang))).toEqual(new Set(['zh', 'en']));
    expect(new Set(articles.map((a) => a.id)).size).toBe(20);
  });
  it('validates fields with a code per problem', () => {
    expect(articleFromText('a.md', '---\ntitle: t\nlang: zh\n---\nbody')).toMatchObject({ error: { code: 'BOT_ERR_MISSING_FIELD' } });
    expect(articleFromText('a.md', '---\nid: A B\ntitle: t\nlang: zh\n---\nbody')).toMatchObject({ error: { code: 'BOT_ERR_BAD_FIELD' } });
    expect(articleFromText('a.md', '---\nid: a\ntitle: t\nlang: fr\n---\nbody')).toMatchObject({ error: { code: 'BOT_ERR_BAD_FIELD' } });
    expect(articleFromText('a.md', '---\nid: a\ntitle: t\nlang: zh\nintents: [refund]\n---\nbody')).toMatchObject({ error: { code: 'BOT_ERR_BAD_FIELD' } });
    expect(articleFromText('a.md', '---\nid: a\ntitle: t\nlang: zh\n---\n')).toMatchObject({ error: { code: 'BOT_ERR_MISSING_FIELD' } });
    expect(articleFromText('a.md', 'no front matter')).toMatchObject({ error: { code: 'BOT_ERR_NO_FRONT_MATTER', line: 1 } });
    expect(articleFromText('a.md', '---\nid: a\ntitle: t\nlang: en\nintents: after_sale\ntags: x\n---\nbody')).toMatchObject({
      article: { intents: ['after_sale'], tags: ['x'] },
    });
  });
  it('keeps good articles beside bad ones; a duplicate id keeps the first file', () => {
    const kb = join(dir, 'kb');
    mkdirSync(kb);
    writeFileSync(join(kb, 'a.md'), '---\nid: x\ntitle: A\nlang: en\n---\nfirst');
    writeFileSync(join(kb, 'b.md'), '---\nid: x\ntitle: B\nlang: en\n---\nsecond');
    writeFileSync(join(kb, 'c.md'), '---\nid: c\ntitle C\n---\n');
    writeFileSync(join(kb, 'notes.txt'), 'ignored');
    const { articles, errors } = loadKnowledgeBase(kb);
    expect(articles.map((a) => [a.id, a.file])).toEqual([['x', 'a.md']]);
    expect(errors.map((e) => [e.file, e.code])).toEqual([
      ['b.md', 'BOT_ERR_DUPLICATE_ID'],
      ['c.md', 'BOT_ERR_BAD_FRONT_MATTER'],
    ]);
  });
  it('reports a missing or empty folder', () => {
    expect(loadKnowledgeBase(join(dir, 'nope')).errors[0].code).toBe('BOT_ERR_IO');
    mkdirSync(join(dir, 'empty'));
    expect(loadKnowledgeBase(join(dir, 'empty')).errors[0].code).toBe('BOT_ERR_EMPTY');
  });
});
