import { INTENTS, type Intent } from '../intent/intent-port.js';

/** Customer tags a script can target: the routing tags plus `price_sensitive` (derived from the customer's words). */
export const SUGGEST_TAGS = ['VIP', 'high_value', 'price_sensitive', 'normal'] as const;
export type SuggestTag = (typeof SUGGEST_TAGS)[number];

/** Conversation stages: no agent reply yet, in discussion, ready to buy. */
export const STAGES = ['opening', 'discussing', 'closing'] as const;
export type Stage = (typeof STAGES)[number];

export type ScriptLang = 'zh' | 'en';
export const VARIABLES = ['name', 'product', 'offer_end'] as const;
export type Variable = (typeof VARIABLES)[number];

/**
 * One reply template. An empty `tags` / `stages` / `intents` list fits every value of that dimension.
 * `text` may hold `{{name}}`, `{{product}}` and `{{offer_end}}`.
 */
export interface Script {
  id: string;
  lang: ScriptLang;
  tags: SuggestTag[];
  stages: Stage[];
  intents: Intent[];
  text: string;
}

/** The context a suggestion is chosen for: who the customer is, where the conversation is, what they want. */
export interface SuggestContext {
  tag: SuggestTag;
  stage: Stage;
  intent: Intent;
  lang: ScriptLang;
}

/** The bandit's context key (language is not part of it: a zh and an en script are different arms anyway). */
export const contextKey = (c: Pick<SuggestContext, 'tag' | 'stage' | 'intent'>): string => `${c.tag}|${c.stage}|${c.intent}`;

export type RenderVars = Partial<Record<Variable, string | null | undefined>>;

const FALLBACK: Record<ScriptLang, Record<Variable, string>> = {
  // 亲 is how Chinese shops address a customer whose name they do not know (亲您好, 好的亲).
  zh: { name: '亲', product: '这款产品', offer_end: '活动结束' },
  en: { name: 'there', product: 'the product', offer_end: 'the end of the offer' },
};

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/**
 * Fills `{{name}}`, `{{product}}`, `{{offer_end}}` with the given values, or a neutral wording in the script's
 * language when a value is missing or blank. An unknown or malformed `{{…}}` is removed, and braces left over
 * are dropped, so the result never shows a raw placeholder. Escapes nothing: callers put the result into the DOM
 * as text only (textContent / a textarea value). Pure.
 */
export function renderScript(text: string, lang: ScriptLang, vars: RenderVars): string {
  const filled = withoutMissingName(text, lang, vars).replace(PLACEHOLDER, (_m, name: string) => {
    if (!(VARIABLES as readonly string[]).includes(name)) return '';
    const v = vars[name as Variable];
    // A value must not smuggle a placeholder back in: strip braces from it.
    const clean = typeof v === 'string' ? v.replace(/[{}]/g, '').trim() : '';
    return clean || FALLBACK[lang][name as Variable];
  });
  // Any `{{` or `}}` still there (unbalanced, nested) goes, so no template syntax reaches the agent.
  let out = filled;
  while (/\{\{|\}\}/.test(out)) out = out.replace(/\{\{|\}\}/g, '');
  return out;
}

const has = (v: string | null | undefined) => typeof v === 'string' && v.replace(/[{}]/g, '').trim() !== '';

/**
 * English without a name: "Hi {{name}}" becomes "Hi there"; elsewhere the name and its comma go ("Great,
 * {{name}}!" → "Great!", "{{name}}, as …" → "As …"), which reads better than a stand-in word.
 */
function withoutMissingName(text: string, lang: ScriptLang, vars: RenderVars): string {
  if (lang !== 'en' || has(vars.name)) return text;
  const N = String.raw`\{\{\s*name\s*\}\}`;
  return text
    .replace(new RegExp(String.raw`\b(Hi|Hello|Dear) ${N}`, 'g'), '$1 there')
    .replace(new RegExp(String.raw`,\s*${N}`, 'g'), '')
    .replace(new RegExp(String.raw`^\s*${N},?\s*(\S)`), (_m, c: string) => c.toUpperCase())
    .replace(new RegExp(String.raw`${N},\s*`, 'g'), '');
}

export type ScriptCheck = { ok: true; script: Script } | { ok: false; message: string };

const ID = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

/** Validates one script as the library API receives it (ids, known tags/stages/intents/variables, length). */
export function checkScript(s: Script): ScriptCheck {
  if (!ID.test(s.id)) return { ok: false, message: `script id "${s.id}" must match ${ID.source}` };
  if (s.lang !== 'zh' && s.lang !== 'en') return { ok: false, message: `script ${s.id}: lang must be zh or en` };
  const bad = <T extends string>(vals: readonly string[], allowed: readonly T[]) => vals.find((v) => !(allowed as readonly string[]).includes(v));
  const t = bad(s.tags, SUGGEST_TAGS);
  if (t !== undefined) return { ok: false, message: `script ${s.id}: unknown tag "${t}"` };
  const st = bad(s.stages, STAGES);
  if (st !== undefined) return { ok: false, message: `script ${s.id}: unknown stage "${st}"` };
  const i = bad(s.intents, INTENTS);
  if (i !== undefined) return { ok: false, message: `script ${s.id}: unknown intent "${i}"` };
  for (const m of s.text.matchAll(PLACEHOLDER)) {
    if (!(VARIABLES as readonly string[]).includes(m[1]))
      return { ok: false, message: `script ${s.id}: unknown variable {{${m[1]}}}; use ${VARIABLES.map((v) => `{{${v}}}`).join(', ')}` };
  }
  if (!s.text.trim()) return { ok: false, message: `script ${s.id}: empty text` };
  return { ok: true, script: s };
}

/** Validates a whole library: every script valid and ids unique. */
export function checkLibrary(scripts: readonly Script[]): { ok: true } | { ok: false; message: string } {
  const seen = new Set<string>();
  for (const s of scripts) {
    const r = checkScript(s);
    if (!r.ok) return r;
    if (seen.has(s.id)) return { ok: false, message: `duplicate script id "${s.id}"` };
    seen.add(s.id);
  }
  return { ok: true };
}

/** True when the script fits the context: same language and every dimension it names matches. */
export function fits(s: Script, c: SuggestContext): boolean {
  return (
    s.lang === c.lang &&
    (s.tags.length === 0 || s.tags.includes(c.tag)) &&
    (s.stages.length === 0 || s.stages.includes(c.stage)) &&
    (s.intents.length === 0 || s.intents.includes(c.intent))
  );
}
