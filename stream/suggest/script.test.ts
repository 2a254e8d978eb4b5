import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEMO_LIBRARY } from './demo-library.js';
import { checkLibrary, checkScript, fits, renderScript, type Script } from './script.js';

describe('renderScript', () => {
  it('fills the three variables and falls back per language when one is missing', () => {
    expect(renderScript('{{name}}，{{product}}在{{offer_end}}前优惠', 'zh', { name: '王女士', product: '企业版', offer_end: '6月30日' })).toBe(
      '王女士，企业版在6月30日前优惠',
    );
    expect(renderScript('Hi {{ name }}, {{product}}', 'en', { name: '  ' })).toBe('Hi there, the product');
    expect(renderScript('{{name}}您好', 'zh', {})).toBe('亲您好');
  });

  it('drops a missing English name with its comma instead of writing a stand-in word', () => {
    expect(renderScript('Great, {{name}}! Done.', 'en', {})).toBe('Great! Done.');
    expect(renderScript('{{name}}, as a customer you qualify.', 'en', {})).toBe('As a customer you qualify.');
    expect(renderScript('Hello {{name}}, hi.', 'en', {})).toBe('Hello there, hi.');
    expect(renderScript('Great, {{name}}!', 'en', { name: 'Ann' })).toBe('Great, Ann!');
    for (const s of DEMO_LIBRARY) {
      const out = renderScript(s.text, s.lang, {});
      expect(out, s.id).not.toMatch(/\bthere[.!?:]|前前|亲亲|the the/);
      expect(out[0], s.id).toBe(out[0].toUpperCase());
    }
  });

  it('never leaves a raw placeholder and escapes nothing', () => {
    expect(renderScript('a {{unknown}} b {{ c', 'en', {})).toBe('a  b  c');
    expect(renderScript('{{name}}', 'en', { name: '<b>{{product}}</b> & co' })).toBe('<b>product</b> & co');
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('{', '}', '{{', '}}', 'name', 'product', 'offer_end', ' ', 'x', '<', '&') }),
        fc.dictionary(fc.constantFrom('name', 'product', 'offer_end'), fc.string({ unit: fc.constantFrom('{', '}', 'a', ' ') })),
        (text, vars) => {
          const out = renderScript(text, 'zh', vars);
          expect(out).not.toMatch(/\{\{|\}\}/);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('the script library', () => {
  it('ships about twenty valid zh/en scripts with a time-limited offer for price-sensitive customers', () => {
    expect(checkLibrary([...DEMO_LIBRARY])).toEqual({ ok: true });
    expect(DEMO_LIBRARY.length).toBeGreaterThanOrEqual(20);
    for (const lang of ['zh', 'en'] as const) {
      const offer = DEMO_LIBRARY.find((s) => s.lang === lang && s.tags.includes('price_sensitive') && s.text.includes('{{offer_end}}'));
      expect(offer, lang).toBeDefined();
      expect(fits(offer!, { tag: 'price_sensitive', stage: 'discussing', intent: 'price_inquiry', lang })).toBe(true);
      expect(fits(offer!, { tag: 'normal', stage: 'discussing', intent: 'price_inquiry', lang })).toBe(false);
    }
  });

  it('rejects unknown variables, tags and duplicate ids', () => {
    const s: Script = { id: 'a', lang: 'zh', tags: [], stages: [], intents: [], text: '{{nmae}}' };
    expect(checkScript(s)).toMatchObject({ ok: false });
    expect(checkScript({ ...s, text: 'ok', tags: ['gold' as never] })).toMatchObject({ ok: false });
    expect(
      checkLibrary([
        { ...s, text: 'x' },
        { ...s, text: 'y' },
      ]),
    ).toMatchObject({ ok: false, message: expect.stringContaining('duplicate') });
  });
});
