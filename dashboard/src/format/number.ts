import type { Locale } from '../i18n/index.js';

const intFormats = new Map<Locale, Intl.NumberFormat>();
const pctFormats = new Map<Locale, Intl.NumberFormat>();

/** Whole numbers with grouping: 12,345. */
export function formatInt(n: number, locale: Locale): string {
  let f = intFormats.get(locale);
  if (!f) intFormats.set(locale, (f = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 })));
  return f.format(n);
}

/** A share in 0..1 as a percentage with at most one decimal: 12.5%. */
export function formatPercent(share: number, locale: Locale): string {
  let f = pctFormats.get(locale);
  if (!f) pctFormats.set(locale, (f = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 })));
  return f.format(Number.isFinite(share) ? share : 0);
}

/**
 * Wall-clock time with seconds, 24-hour: 09:05:07, in `timeZone` (the board passes the KPI zone so times beside
 * its charts read alike) or the browser's zone.
 */
export function formatClock(iso: string, locale: Locale, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  const opts: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false };
  try {
    return d.toLocaleTimeString(locale, timeZone ? { ...opts, timeZone } : opts);
  } catch {
    return d.toLocaleTimeString(locale, opts); // an unknown zone name: the browser's zone rather than nothing
  }
}

const decFormats = new Map<string, Intl.NumberFormat>();

/** A number with grouping and at most `digits` decimals: 1,234.57. Non-finite gives "—". */
export function formatDecimal(n: number, locale: Locale, digits = 2): string {
  if (!Number.isFinite(n)) return '—';
  const k = `${locale}:${digits}`;
  let f = decFormats.get(k);
  if (!f) decFormats.set(k, (f = new Intl.NumberFormat(locale, { maximumFractionDigits: digits })));
  return f.format(n);
}
