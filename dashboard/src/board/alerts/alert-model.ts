import type { FiringAlert } from '../../api/metric-types.js';
import { formatClock } from '../../format/number.js';
import type { Locale } from '../../i18n/index.js';
import { formatKpiValue } from '../tiles/kpi-format.js';

/** One banner line: the rule, its message in the current language and since when it fires. */
export interface AlertLine {
  ruleId: string;
  kpi: string;
  message: string;
  since: string;
  sinceMs: number;
}

const MS_STATS = new Set(['p50', 'p90', 'p95', 'p99', 'avg', 'max', 'min']);

/**
 * A rule's value in words when the rule has no message: "first_response p90 1m 30s > 1m". Stats of duration
 * KPIs (names ending in _ms, percentiles) are durations; other values print as numbers.
 */
function fallbackMessage(a: FiringAlert, locale: Locale): string {
  const isMs = MS_STATS.has(a.stat) || /(_ms|response|wait|duration|cycle)$/.test(a.kpi);
  const fmt = (v: number | null) => formatKpiValue(v, isMs ? 'ms' : 'gauge', locale);
  return `${a.kpi} ${a.stat === 'value' ? '' : `${a.stat} `}${fmt(a.value)} ${a.op} ${fmt(a.threshold)}`;
}

/**
 * Banner lines for the firing alerts, oldest first (the longest-running problem leads): the message in the
 * current language, falling back to the other language, then to a generated description.
 */
export function alertLines(alerts: FiringAlert[], locale: Locale, timeZone?: string): AlertLine[] {
  return alerts
    .map((a) => {
      const preferred = locale === 'zh-CN' ? a.message_zh : a.message_en;
      const other = locale === 'zh-CN' ? a.message_en : a.message_zh;
      const sinceMs = Date.parse(a.since);
      return {
        ruleId: a.rule_id,
        kpi: a.kpi,
        message: preferred || other || fallbackMessage(a, locale),
        since: Number.isFinite(sinceMs) ? formatClock(a.since, locale, timeZone) : '',
        sinceMs: Number.isFinite(sinceMs) ? sinceMs : Number.MAX_SAFE_INTEGER,
      };
    })
    .sort((a, b) => a.sinceMs - b.sinceMs || a.ruleId.localeCompare(b.ruleId));
}
