import { describe, expect, it } from 'vitest';
import { catalogues, LOCALES } from './messages.js';
import { detectLocale, matchLocale, translate } from './locale.js';

describe('message catalogue', () => {
  const keysOf = (o: object) => Object.keys(o).sort();

  it('has the same keys in every locale', () => {
    const reference = keysOf(catalogues.en);
    for (const locale of LOCALES) expect(keysOf(catalogues[locale])).toEqual(reference);
  });

  it('has no empty messages', () => {
    for (const locale of LOCALES) {
      for (const [key, text] of Object.entries(catalogues[locale])) expect(text.trim(), `${locale} ${key}`).not.toBe('');
    }
  });

  it('uses the same placeholders in every locale', () => {
    const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const [key, text] of Object.entries(catalogues.en)) {
      expect(holes(catalogues['zh-CN'][key as keyof typeof catalogues.en]), key).toEqual(holes(text));
    }
  });

  it('translates channel names for Chinese users', () => {
    const zh = (k: Parameters<typeof translate>[1]) => translate('zh-CN', k);
    expect([zh('channel.web'), zh('channel.sms'), zh('channel.email'), zh('channel.wechat')]).toEqual(['网站', '短信', '邮件', '微信']);
    expect([zh('channel.voice'), zh('channel.social'), zh('channel.ad'), zh('channel.app')]).toEqual(['电话', '社交媒体', '广告', 'App']);
  });

  it('says "live" / "实时" when connected (the browser test looks for it)', () => {
    expect(translate('en', 'status.live').toLowerCase()).toContain('live');
    expect(translate('zh-CN', 'status.live')).toContain('实时');
  });
});

describe('translate', () => {
  it('fills placeholders and leaves unknown ones', () => {
    expect(translate('en', 'tile.window', { n: 60 })).toBe('last 60 min');
    expect(translate('zh-CN', 'tile.window', { n: 15 })).toBe('近 15 分钟');
    expect(translate('en', 'tile.window')).toBe('last {n} min');
  });
});

describe('locale detection', () => {
  it('maps Chinese and English tags', () => {
    expect(matchLocale('zh-CN')).toBe('zh-CN');
    expect(matchLocale('zh')).toBe('zh-CN');
    expect(matchLocale('zh-Hans-CN')).toBe('zh-CN');
    expect(matchLocale('zh-TW')).toBe('zh-CN');
    expect(matchLocale('en-GB')).toBe('en');
    expect(matchLocale('EN')).toBe('en');
    expect(matchLocale('fr-FR')).toBeNull();
    expect(matchLocale('')).toBeNull();
  });

  it('prefers the stored choice', () => {
    expect(detectLocale('en', ['zh-CN'])).toBe('en');
    expect(detectLocale('zh-CN', ['en-US'])).toBe('zh-CN');
  });

  it('ignores a stored value that is not a supported locale', () => {
    expect(detectLocale('fr', ['zh-CN'])).toBe('zh-CN');
  });

  it('follows the browser preference order', () => {
    expect(detectLocale(null, ['zh-CN', 'en-US'])).toBe('zh-CN');
    expect(detectLocale(null, ['en-US', 'zh-CN'])).toBe('en');
    expect(detectLocale(null, ['de-DE', 'zh-TW', 'en'])).toBe('zh-CN');
    expect(detectLocale(null, [], 'zh-CN')).toBe('zh-CN');
    expect(detectLocale(null, undefined, 'en-US')).toBe('en');
  });

  it('falls back to English', () => {
    expect(detectLocale(null, ['ja-JP'])).toBe('en');
    expect(detectLocale(null, undefined)).toBe('en');
  });
});
