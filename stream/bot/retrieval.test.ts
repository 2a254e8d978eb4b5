import { describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from './knowledge-base.js';
import { KnowledgeIndex } from './retrieval.js';

const index = new KnowledgeIndex(loadKnowledgeBase().articles);

describe('KnowledgeIndex', () => {
  it.each([
    ['发票抬头写错了怎么办', 'invoice-zh'],
    ['退款多久到账', 'refund-zh'],
    ['忘記密碼', 'password-zh'],
    ['Where is my tracking number?', 'shipping-en'],
    ['Do you integrate with HubSpot?', 'integrations-en'],
    ['能导出CSV吗', 'export-zh'],
  ])('%s → %s', (q, id) => {
    const r = index.query(q);
    expect(r.hits[0]?.article.id).toBe(id);
    expect(r.hits[0].coverage).toBeGreaterThan(0);
    expect(r.hits[0].coverage).toBeLessThanOrEqual(1);
  });
  it('searches only the question’s language (mixed counts as Chinese)', () => {
    expect(index.query('refund please').hits.every((h) => h.article.lang === 'en')).toBe(true);
    expect(index.query('invoice怎么开').hits.every((h) => h.article.lang === 'zh')).toBe(true);
  });
  it('orders hits by score and is deterministic', () => {
    const a = index.query('密码 发票 退款');
    expect(a.hits.map((h) => h.score)).toEqual([...a.hits.map((h) => h.score)].sort((x, y) => y - x));
    expect(index.query('密码 发票 退款').hits.map((h) => h.article.id)).toEqual(a.hits.map((h) => h.article.id));
  });
  it('returns no hits for a question without terms, or an empty base', () => {
    expect(index.query('？？？').hits).toEqual([]);
    expect(new KnowledgeIndex([]).query('refund').hits).toEqual([]);
  });
});
