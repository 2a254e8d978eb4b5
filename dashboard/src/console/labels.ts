import { formatClock } from '../format/number.js';
import { catalogues, type Locale, type MessageKey, type Translate } from '../i18n/index.js';
import { toMs } from './types.js';

/** What every console pane renders with. */
export interface PaneContext {
  t: Translate;
  locale: Locale;
  now: number;
}

/** The catalogue's label for `<prefix>.<value>` (e.g. console.group.pre_sale, channel.web), or the raw value. */
export function labelOf(t: Translate, prefix: string, value: string | null | undefined): string {
  if (!value) return '';
  const key = `${prefix}.${value}`;
  return key in catalogues.en ? t(key as MessageKey) : value;
}

/** Local clock time (HH:MM:SS) of an epoch-ms or ISO time; '' when unreadable. */
export function clockOf(at: number | string | null | undefined, locale: Locale): string {
  const ms = toMs(at);
  return ms === null ? '' : formatClock(new Date(ms).toISOString(), locale);
}
