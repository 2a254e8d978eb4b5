import type { Granularity } from '../../api/metric-types.js';

const formats = new Map<string, Intl.DateTimeFormat>();

function parts(ms: number, timeZone: string): Record<string, string> {
  let f = formats.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    } catch {
      // an unknown zone name from the server: fall back to UTC rather than failing the chart
      f = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
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
