import { formatDuration } from '../../format/duration.js';
import { formatDecimal, formatInt, formatPercent } from '../../format/number.js';
import type { Locale } from '../../i18n/index.js';

/** How a KPI value reads: its unit decides the formatter. Every formatter shows null (no data) as "—". */
export type ValueFormat = 'count' | 'ratio' | 'ms' | 'currency' | 'score' | 'nps' | 'gauge';

const NO_DATA = '—';

/**
 * Formats one KPI value for a tile, a tooltip or an axis: counts grouped (1,234), ratios as percentages
 * (33.3%), durations in words (1m 20s / 1分20秒), money in yuan (¥1,288.5), scores with two decimals (4.25),
 * NPS signed (+50), gauges (averages of counts) with one decimal.
 */
export function formatKpiValue(value: number | null | undefined, format: ValueFormat, locale: Locale): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NO_DATA;
  switch (format) {
    case 'count':
      return formatInt(value, locale);
    case 'ratio':
      return formatPercent(value, locale);
    case 'ms':
      return formatDuration(value, locale);
    case 'currency':
      return `${value < 0 ? '-' : ''}¥${formatDecimal(Math.abs(value), locale, 2)}`;
    case 'score':
      return formatDecimal(value, locale, 2);
    case 'nps': {
      const text = formatDecimal(Math.abs(value), locale, 1);
      return value > 0 ? `+${text}` : value < 0 ? `-${text}` : text;
    }
    case 'gauge':
      return formatDecimal(value, locale, 1);
  }
}

/** The value format that fits a metric reply's unit. */
export function formatForUnit(unit: string): ValueFormat {
  return unit === 'ms' ? 'ms' : unit === 'ratio' ? 'ratio' : unit === 'score' ? 'score' : 'gauge';
}
