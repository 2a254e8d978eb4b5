import type { MetricSeries } from '../../api/metric-types.js';
import type { Translate } from '../../i18n/index.js';
import { channelLabel, sortChannels } from '../channels.js';

/** The group key used for series ids and lookups ('' is the ungrouped total). */
export const groupKey = (group: string | null): string => group ?? '';

/** Groups of a metric reply in display order: channels in the board's fixed order, others alphabetically. */
export function orderedGroups(series: MetricSeries): string[] {
  const keys = series.series.map((p) => groupKey(p.group));
  return series.group_by === 'channel' ? sortChannels(keys) : [...new Set(keys)].sort((a, b) => a.localeCompare(b));
}

/** A group's display name: channels translated, the ungrouped total as "All", others as sent. */
export function groupLabel(series: Pick<MetricSeries, 'group_by'>, key: string, t: Translate): string {
  if (key === '') return t(series.group_by === 'none' ? 'board.group.all' : 'board.group.unknown');
  return series.group_by === 'channel' ? channelLabel(key, t) : key;
}

/** A metric reply laid out as a grid: sorted bucket starts × ordered groups, each cell a value or null. */
export interface MetricGrid {
  buckets: number[];
  groups: string[];
  /** `values[g][b]` is the value of `groups[g]` in `buckets[b]` (null: no data). */
  values: Array<Array<number | null>>;
  /** Largest non-null value, 0 when none. */
  max: number;
}

export function metricGrid(series: MetricSeries): MetricGrid {
  const stamps = series.series.map((p) => Date.parse(p.bucket));
  const buckets = [...new Set(stamps.filter(Number.isFinite))].sort((a, b) => a - b);
  const groups = orderedGroups(series);
  const bIdx = new Map(buckets.map((b, i) => [b, i]));
  const gIdx = new Map(groups.map((g, i) => [g, i]));
  const values = groups.map(() => new Array<number | null>(buckets.length).fill(null));
  let max = 0;
  series.series.forEach((p, i) => {
    const b = bIdx.get(stamps[i]);
    const g = gIdx.get(groupKey(p.group));
    if (b === undefined || g === undefined || p.value === null || !Number.isFinite(p.value)) return;
    values[g][b] = p.value;
    if (p.value > max) max = p.value;
  });
  return { buckets, groups, values, max };
}
