import type { FollowupConfig } from './followup-config.js';

export type Lang = 'zh' | 'en';

/** What a template may name: `{name}`, `{product_guide_url}`, `{customer_case_url}`, `{unsubscribe_url}`, `{opt_out}`, `{intent}`. */
export interface TemplateVars {
  name: string;
  intent: string;
  unsubscribeUrl: string | null;
  channel: string;
}

/** Per channel and language, how to opt out: e-mail gets its signed link, the others the reply word. */
export function optOutLine(channel: string, lang: Lang, unsubscribeUrl: string | null): string {
  if (channel === 'email') return unsubscribeUrl ? (lang === 'zh' ? `退订：${unsubscribeUrl}` : `Unsubscribe: ${unsubscribeUrl}`) : '';
  return lang === 'zh' ? '回复TD退订' : 'Reply STOP to opt out';
}

/** The link of kind `kind` for this intent, or the kind's default. */
export function linkFor(cfg: Pick<FollowupConfig, 'links'>, kind: string, intent: string): string {
  const l = cfg.links[kind];
  return l?.[intent] ?? l?.default ?? '';
}

/**
 * Fills a template (pure). Unknown `{words}` stay as written, so a typo is
 * visible in the message preview rather than silently dropped; a missing
 * name becomes the polite generic form of the language.
 */
export function renderTemplate(
  cfg: Pick<FollowupConfig, 'templates' | 'links'>,
  templateId: string,
  lang: Lang,
  v: TemplateVars,
): { subject: string | null; text: string } {
  const t = cfg.templates[templateId]?.[lang];
  if (!t) throw new Error(`template ${templateId} has no ${lang} text`);
  const values: Record<string, string> = {
    name: v.name || (lang === 'zh' ? '尊敬的客户' : 'there'),
    intent: v.intent,
    product_guide_url: linkFor(cfg, 'product_guide', v.intent),
    customer_case_url: linkFor(cfg, 'customer_case', v.intent),
    unsubscribe_url: v.unsubscribeUrl ?? '',
    opt_out: optOutLine(v.channel, lang, v.unsubscribeUrl),
  };
  const fill = (s: string) =>
    s
      .replace(/\{([a-z_]+)\}/g, (m, k: string) => values[k] ?? m)
      .replace(/[ \t]+$/gm, '')
      .trim();
  return { subject: t.subject ? fill(t.subject) : null, text: fill(t.text) };
}

/** zh when the customer's words are mostly Han characters, else en. */
export function languageOf(text: string, previous: Lang | null = null): Lang {
  const han = (text.match(/\p{Script=Han}/gu) ?? []).length;
  const latin = (text.match(/[A-Za-z]/g) ?? []).length;
  if (han === 0 && latin === 0) return previous ?? 'zh';
  return han * 2 >= latin ? 'zh' : 'en';
}
