import { GRANULARITY_MS, type MetricQuery } from './metric-types.js';

/** Above this many expected points the series is asked for as Arrow IPC. */
export const ARROW_MIN_POINTS = 500;
/** Minute granularity over more than this span always goes Arrow, whatever the grouping. */
export const ARROW_MINUTE_SPAN_MS = 6 * 3_600_000;
/**
 * Grouped series multiply the bucket count by the number of groups, which is unknown before the reply;
 * three is a cautious guess (most boards have a handful of channels or teams).
 */
const ASSUMED_GROUPS = 3;

/** Buckets between `from` and `to` at the query's granularity (a partial bucket counts). */
export function expectedBuckets(q: Pick<MetricQuery, 'from' | 'to' | 'granularity'>): number {
  return Math.max(0, Math.ceil((q.to - q.from) / GRANULARITY_MS[q.granularity]));
}

/**
 * Whether to ask for the series as an Arrow IPC stream (`Accept: application/vnd.apache.arrow.stream`).
 *
 * Why these thresholds: a JSON point costs ~100–150 bytes and one object allocation per point in JSON.parse,
 * an Arrow point ~20 bytes in typed columns; but the Arrow decoder is a separate lazily loaded chunk (~42 KB
 * gzipped), so it only pays off for long series. Past ~500 points the JSON body outgrows that chunk after a
 * couple of refreshes (the board refreshes on every live push), so: Arrow when the expected point count
 * (buckets × assumed groups) exceeds 500, and always for minute granularity over more than 6 hours
 * (≥ 360 buckets per group, i.e. long by any grouping).
 */
export function prefersArrow(q: Pick<MetricQuery, 'from' | 'to' | 'granularity' | 'group_by'>): boolean {
  if (q.granularity === 'minute' && q.to - q.from > ARROW_MINUTE_SPAN_MS) return true;
  const groups = q.group_by === 'none' ? 1 : ASSUMED_GROUPS;
  return expectedBuckets(q) * groups > ARROW_MIN_POINTS;
}
