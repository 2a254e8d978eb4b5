import { CORRECTABLE_INTENTS } from './labelling.js';

/**
 * The script library editor's pure part: the choices a script offers (the API's enums) and turning the form's
 * values into the body of PUT /v1/suggestions/scripts/{id}, with the checks the server makes first, so the
 * manager sees a problem before a round trip. The server stays the judge (stream/suggest/script.ts).
 */
export const SCRIPT_TAGS = ['VIP', 'high_value', 'price_sensitive', 'normal'] as const;
export const SCRIPT_STAGES = ['opening', 'discussing', 'closing'] as const;
/** A script targets the same nine intents an agent may label (one list: labelling.ts). */
export const SCRIPT_INTENTS = CORRECTABLE_INTENTS;
export const SCRIPT_VARIABLES = ['name', 'product', 'offer_end'] as const;

export interface ScriptDoc {
  id: string;
  lang: 'zh' | 'en';
  tags: string[];
  stages: string[];
  intents: string[];
  text: string;
}

export interface ScriptFormValues {
  id: string;
  lang: string;
  tags: string[];
  stages: string[];
  intents: string[];
  text: string;
}

const ID = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

/** The script, or the first problem (an i18n-free English message, shown as the error's text). */
export function scriptFromForm(v: ScriptFormValues): { ok: true; script: ScriptDoc } | { ok: false; message: string } {
  const id = v.id.trim();
  if (!ID.test(id)) return { ok: false, message: 'id: lower-case letters, digits, _ . - (up to 64)' };
  if (v.lang !== 'zh' && v.lang !== 'en') return { ok: false, message: 'language: zh or en' };
  const text = v.text.trim();
  if (!text || text.length > 2000) return { ok: false, message: 'text: 1 to 2000 characters' };
  for (const m of text.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)) {
    if (!(SCRIPT_VARIABLES as readonly string[]).includes(m[1]))
      return { ok: false, message: `unknown variable {{${m[1]}}}; use ${SCRIPT_VARIABLES.map((x) => `{{${x}}}`).join(', ')}` };
  }
  const only = (xs: string[], allowed: readonly string[]) => allowed.filter((a) => xs.includes(a));
  return {
    ok: true,
    script: { id, lang: v.lang, tags: only(v.tags, SCRIPT_TAGS), stages: only(v.stages, SCRIPT_STAGES), intents: only(v.intents, SCRIPT_INTENTS), text },
  };
}
