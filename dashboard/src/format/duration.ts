import type { Locale } from '../i18n/index.js';

const units = {
  en: { h: 'h', m: 'm', s: 's', minOnly: 'm', sep: ' ', under: '<1s' },
  'zh-CN': { h: '小时', m: '分', s: '秒', minOnly: '分钟', sep: '', under: '<1秒' },
} satisfies Record<Locale, Record<string, string>>;

/**
 * Formats a duration in milliseconds for people: "25s", "1m 20s", "2m", "1h 5m" (en) or
 * "25秒", "1分20秒", "2分钟", "1小时5分" (zh-CN). Seconds are rounded; under a second reads "<1s".
 * Null, undefined, negative or non-finite input gives "—" (no data).
 */
export function formatDuration(ms: number | null | undefined, locale: Locale): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  const u = units[locale];
  if (ms === 0) return `0${u.s}`;
  if (ms < 500) return u.under;
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return m > 0 ? `${h}${u.h}${u.sep}${m}${u.m}` : `${h}${u.h}`;
  if (m > 0) return s > 0 ? `${m}${u.m}${u.sep}${s}${u.s}` : `${m}${u.minOnly}`;
  return `${s}${u.s}`;
}
