import { describe, expect, it } from 'vitest';
import { botTokens } from './tokenizer.js';

describe('botTokens', () => {
  it('segments Chinese into dictionary words, plus character bigrams', () => {
    const t = botTokens('我想申请退款');
    expect(t).toContain('申请');
    expect(t).toContain('退款');
    expect(t).toContain('请退'); // bigram across the word boundary: recall when segmentation differs
    expect(t).not.toContain('我'); // single-character function word dropped
  });
  it('folds traditional characters and full-width letters through the intent normaliser', () => {
    expect(botTokens('忘記密碼')).toEqual(botTokens('忘记密码'));
    expect(botTokens('ＣＳＶ導出')).toEqual(botTokens('csv导出'));
  });
  it('lower-cases and stems English words without stop words', () => {
    expect(botTokens('How do I export Invoices?')).toEqual(['export', 'invoic']);
    expect(botTokens('shipping shipped')).toEqual(['ship', 'ship']);
  });
  it('handles mixed text and text without words', () => {
    expect(botTokens('怎么reset密码')).toEqual(expect.arrayContaining(['reset', '密码']));
    expect(botTokens('🙂 ... ')).toEqual([]);
  });
});
