import { describe, expect, it } from 'vitest';
import { scriptFromForm } from './script-form.js';

describe('scriptFromForm', () => {
  const base = {
    id: 'vip-hello',
    lang: 'zh',
    tags: ['VIP'],
    stages: [],
    intents: ['purchase', 'price_inquiry'],
    text: ' {{name}}您好，{{product}}今天下单有礼 ',
  };
  it('builds the PUT body: trimmed text, choices in catalogue order', () => {
    expect(scriptFromForm(base)).toEqual({
      ok: true,
      script: { id: 'vip-hello', lang: 'zh', tags: ['VIP'], stages: [], intents: ['price_inquiry', 'purchase'], text: '{{name}}您好，{{product}}今天下单有礼' },
    });
  });
  it('refuses a bad id, language, empty text or an unknown variable', () => {
    expect(scriptFromForm({ ...base, id: 'Bad Id' })).toMatchObject({ ok: false, message: expect.stringMatching(/^id/) });
    expect(scriptFromForm({ ...base, lang: 'fr' })).toMatchObject({ ok: false });
    expect(scriptFromForm({ ...base, text: '  ' })).toMatchObject({ ok: false, message: expect.stringMatching(/^text/) });
    expect(scriptFromForm({ ...base, text: '{{nmae}}您好' })).toMatchObject({ ok: false, message: expect.stringContaining('{{nmae}}') });
  });
});
