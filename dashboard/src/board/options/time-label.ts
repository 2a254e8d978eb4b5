import type { Granularity } from '../../api/metric-types.js';
import type { Translate } from '../../i18n/index.js';
import { theme } from './context.js';

const formats = new Map<string, Intl.DateTimeFormat>();

function parts(ms: number, timeZone: string): Record<string, string> {
  let f = formats.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-GB', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      });
    } catch {
      // an unknown zone name from the server: fall back to UTC rather than failing the chart
      f = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'UTC',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      });
    }
    formats.set(timeZone, f);
  }
  const out: Record<string, string> = {};
  for (const p of f.formatToParts(new Date(ms))) out[p.type] = p.value;
  return out;
}

/**
 * A bucket start as a short label in the KPI time zone (the zone hour and day buckets are aligned to, so a
 * day bucket reads as its own date): "09:05" for minute and hour buckets, "11-24" for day buckets, with the
 * date prefixed to minute/hour labels when `withDate` (ranges that span days).
 */
export function bucketLabel(ms: number, granularity: Granularity, timeZone: string, withDate = false): string {
  const p = parts(ms, timeZone);
  const date = `${p.month}-${p.day}`;
  if (granularity === 'day') return date;
  const time = `${p.hour}:${p.minute}`;
  return withDate ? `${date} ${time}` : time;
}

/** The zone charts use when a reply names none: the server's default KPI_TIME_ZONE. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

const DAY_MS = 86_400_000;
const BUCKET_MS: Record<Granularity, number> = { minute: 60_000, hour: 3_600_000, day: DAY_MS };

/** True when ascending instants cover a day or more, so minute/hour labels need their date. */
export function spansDays(instants: readonly number[]): boolean {
  return instants.length > 1 && instants[instants.length - 1] - instants[0] >= DAY_MS;
}

/** The one label rule of every board time axis: an instant as `bucketLabel` writes it in the KPI zone. */
export function timeAxisFormatter(timeZone: string, granularity: Granularity, withDate: boolean): (ms: number) => string {
  return (ms) => bucketLabel(Number(ms), granularity, timeZone, withDate);
}

/** The axis title naming the zone, e.g. "时间 (Asia/Shanghai)". */
export function timeAxisName(t: Translate, timeZone: string): string {
  return t('chart.timeAxis', { zone: timeZone });
}

/** Where the zone title sits: centred under the tick labels, in the board's text colour. */
export const timeAxisNameStyle = { nameLocation: 'middle' as const, nameGap: 26, nameTextStyle: { color: theme.text, fontSize: 11 } };

/**
 * A `time` x axis drawn in the KPI zone: ECharts places ticks and formats them in the browser's zone, so the
 * labels come from `timeAxisFormatter` instead (the tick instants stay real, clicks and drills are unchanged),
 * and the axis title names the zone.
 */
export function zonedTimeAxis(o: { timeZone: string; t: Translate; granularity: Granularity; withDate: boolean; min?: number; max?: number }) {
  return {
    type: 'time' as const,
    // no ticks inside a bucket: they would repeat the bucket's label ("09:05 09:05 09:05")
    minInterval: BUCKET_MS[o.granularity],
    ...(o.min !== undefined ? { min: o.min } : {}),
    ...(o.max !== undefined ? { max: o.max } : {}),
    name: timeAxisName(o.t, o.timeZone),
    ...timeAxisNameStyle,
    axisLine: { lineStyle: { color: theme.axisLine } },
    axisTick: { show: false },
    axisLabel: { color: theme.text, hideOverlap: true, formatter: timeAxisFormatter(o.timeZone, o.granularity, o.withDate) },
    splitLine: { show: false },
  };
}
