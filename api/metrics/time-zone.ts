/**
 * Time-zone arithmetic for KPI buckets, from the runtime's IANA data (Intl). The named queries bucket on
 * `t + offset(t)` (local wall-clock time read as if it were UTC) with the offsets handed in as plain integers,
 * so ClickHouse 18.16 and DuckDB compute the same buckets without either engine's time-zone tables, and this
 * module turns a local bucket label back into the instant it starts at.
 */

import { isTimeZone, offsetAt as offsetAtInstant } from '../../shared/time-zone.js';

export { isTimeZone };

/** The zone's offset from UTC at instant `ms`, in ms (Asia/Kolkata: 19 800 000). Whole seconds. */
export const offsetAt = (tz: string, ms: number): number => offsetAtInstant(ms, tz);

/** Named-query parameters that describe the zone's offsets over [from, to): the first offset and every change. */
export interface TzParams {
  tz_offset_ms: number;
  tz_change_at_ms: number[];
  tz_change_offset_ms: number[];
}

/** Offsets change at most a few times a year; sampling every 6 hours finds each change, bisection pins it. */
const SAMPLE_MS = 6 * 3600_000;

/** The offset at `from` and every change in (from, to): the first instant with the new offset, to the second. */
export function tzParams(tz: string, from: number, to: number): TzParams {
  const out: TzParams = { tz_offset_ms: offsetAt(tz, from), tz_change_at_ms: [], tz_change_offset_ms: [] };
  let prevAt = from;
  let prev = out.tz_offset_ms;
  for (let at = Math.min(from + SAMPLE_MS, to); at <= to; at = at === to ? to + 1 : Math.min(at + SAMPLE_MS, to)) {
    const cur = offsetAt(tz, at);
    if (cur !== prev) {
      let lo = prevAt; // offset prev
      let hi = at; // offset cur
      while (hi - lo > 1000) {
        const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
        if (offsetAt(tz, mid) === prev) lo = mid;
        else hi = mid;
      }
      out.tz_change_at_ms.push(hi);
      out.tz_change_offset_ms.push(cur);
      prev = cur;
    }
    prevAt = at;
  }
  return out;
}

/**
 * The instant a local bucket label (wall-clock ms read as UTC) starts at. In a gap (clocks jump forward over
 * the label) the first instant after the gap; in an overlap (clocks fall back) the earlier instant.
 */
export function labelToInstant(tz: string, label: number): number {
  // The instant is within a day of the label; a day before and after, the zone has its two candidate offsets.
  const before = offsetAt(tz, label - 86_400_000);
  const after = offsetAt(tz, label + 86_400_000);
  const candidates = [label - before, label - after].sort((a, b) => a - b);
  for (const u of candidates) if (u + offsetAt(tz, u) === label) return u;
  return label - before; // in a gap: the old offset lands on the first instant after it
}

/** The named-query parameters that put every time in [from, to) into one bucket (window totals, alerts). */
export function wholeWindow(from: number, to: number): TzParams & { bucket_s: number } {
  return { bucket_s: Math.max(1, Math.ceil((to - from) / 1000)), tz_offset_ms: -from, tz_change_at_ms: [], tz_change_offset_ms: [] };
}
