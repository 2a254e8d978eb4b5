import { catalogues, LOCALES, type Locale, type MessageKey } from './messages.js';

/** localStorage key remembering the user's explicit language choice. */
export const LOCALE_STORAGE = 'omnilane.locale';

/** Maps one BCP 47 tag to a supported locale, or null. Any Chinese tag (zh, zh-TW, zh-Hans-CN) reads as zh-CN. */
export function matchLocale(tag: string | null | undefined): Locale | null {
  if (!tag) return null;
  const lower = tag.trim().toLowerCase();
  if (lower === 'zh' || lower.startsWith('zh-') || lower.startsWith('zh_')) return 'zh-CN';
  if (lower === 'en' || lower.startsWith('en-') || lower.startsWith('en_')) return 'en';
  return null;
}

/**
 * Picks the UI locale: an explicit stored choice wins, then the browser's preference list in order
 * (`navigator.languages`, falling back to `navigator.language`), then English.
 */
export function detectLocale(stored: string | null, languages: readonly string[] | undefined, language?: string): Locale {
  if (stored && (LOCALES as readonly string[]).includes(stored)) return stored as Locale;
  const prefs = languages && languages.length ? languages : language ? [language] : [];
  for (const tag of prefs) {
    const hit = matchLocale(tag);
    if (hit) return hit;
  }
  return 'en';
}

/** Looks a message up and fills `{name}` placeholders. Unknown placeholders stay as written. */
export function translate(locale: Locale, key: MessageKey, params?: Record<string, string | number>): string {
  const text = catalogues[locale][key] ?? catalogues.en[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** A translator bound to one locale. */
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translator(locale: Locale): Translate {
  return (key, params) => translate(locale, key, params);
}
