import { describe, expect, it } from 'vitest';
import { parseFrontMatter } from './front-matter.js';

describe('parseFrontMatter', () => {
  it('reads scalars, inline lists, dash lists, quotes and the body', () => {
    const r = parseFrontMatter(
      '\uFEFF---\r\nid: refund-zh\r\ntitle: "退款: 怎么申请"\nlang: zh\nintents: [after_sale, complaint]\n# a comment\ntags:\n  - 退款\n  - "refund"\n---\n\n# 退款\n正文\n',
    );
    expect(r).toEqual({
      ok: true,
      data: { id: 'refund-zh', title: '退款: 怎么申请', lang: 'zh', intents: ['after_sale', 'complaint'], tags: ['退款', 'refund'] },
      body: '# 退款\n正文',
    });
  });
  it('an empty key followed by no items is an empty list', () => {
    const r = parseFrontMatter('---\ntags:\nid: a\n---\nx');
    expect(r.ok && r.data).toEqual({ tags: [], id: 'a' });
  });
  it('refuses a file without front matter or without the closing line', () => {
    expect(parseFrontMatter('# title\nbody')).toMatchObject({ ok: false, code: 'BOT_ERR_NO_FRONT_MATTER', line: 1 });
    expect(parseFrontMatter('---\nid: a\n')).toMatchObject({ ok: false, code: 'BOT_ERR_NO_FRONT_MATTER' });
  });
  it('names the line of a malformed entry', () => {
    expect(parseFrontMatter('---\nid: a\nthis is not a pair\n---\n')).toMatchObject({ ok: false, code: 'BOT_ERR_BAD_FRONT_MATTER', line: 3 });
    expect(parseFrontMatter('---\nid: a\nid: b\n---\n')).toMatchObject({ ok: false, code: 'BOT_ERR_BAD_FRONT_MATTER', line: 3 });
    expect(parseFrontMatter('---\n- stray\n---\n')).toMatchObject({ ok: false, code: 'BOT_ERR_BAD_FRONT_MATTER', line: 2 });
    expect(parseFrontMatter('---\ntags: [a, b\n---\n')).toMatchObject({ ok: false, code: 'BOT_ERR_BAD_FRONT_MATTER', line: 2 });
  });
});
