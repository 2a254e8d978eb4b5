import { describe, expect, it } from 'vitest';
import { detectLanguage, normalise, stem, tokenise } from './text.js';

describe('normalise', () => {
  it('folds full-width letters, digits and punctuation, lower-cases, collapses space', () => {
    expect(normalise('ＡＰＰ　崩溃了！！１２３')).toBe('app 崩溃了!!123');
    expect(normalise('你好，请问。')).toBe('你好,请问.');
    expect(normalise('  Hello   World ')).toBe('hello world');
  });
  it('maps common traditional characters to simplified', () => {
    expect(normalise('請問價格')).toBe('请问价格');
    expect(normalise('發票')).toBe('发票');
  });
  it('never throws on lone surrogates', () => {
    expect(normalise('a\uD800b')).toBe('a\uFFFDb');
  });
});

describe('detectLanguage', () => {
  it('tells zh, en, mixed and unknown by script share', () => {
    expect(detectLanguage('请问这款软件多少钱')).toBe('zh');
    expect(detectLanguage('how much does it cost')).toBe('en');
    expect(detectLanguage('pro版本的pricing是多少')).toBe('mixed');
    expect(detectLanguage('😀👍 123')).toBe('unknown');
    expect(detectLanguage('')).toBe('unknown');
  });
});

describe('stem', () => {
  it('strips common suffixes consistently', () => {
    expect(stem('crashes')).toBe(stem('crash'));
    expect(stem('crashed')).toBe(stem('crashing'));
    expect(stem('shipping')).toBe(stem('ship'));
    expect(stem('refunds')).toBe('refund');
  });
});

describe('negation', () => {
  const negated = (s: string) =>
    tokenise(normalise(s))
      .filter((u) => u.neg)
      .map((u) => u.text)
      .join('');
  it('marks the scope after 不是/没有 and not/no', () => {
    expect(negated('我不是要投诉')).toBe('要投诉');
    expect(negated('还没有发货')).toBe('发货');
    expect(negated("I'm not interested in buying")).toBe([stem('interested'), stem('buying')].join(''));
    expect(negated("it doesn't work")).toBe('work');
  });
  it('stops at punctuation and ignores yes-no questions', () => {
    expect(negated('不是我，投诉你们')).toBe('我');
    expect(negated('有没有优惠')).toBe('');
    expect(negated('是不是要报价')).toBe('');
  });
});
