import type { Granularity, GroupBy, KpiName, MetricQuery } from '../../api/metric-types.js';
import type { BoardSnapshot } from '../../api/types.js';
import { boardWindow } from '../drill/drill-request.js';

export const RANGES = { '1h': 3_600_000, '6h': 21_600_000, '24h': 86_400_000, '7d': 604_800_000, '30d': 2_592_000_000 } as const;
export type RangeId = keyof typeof RANGES;
export const RANGE_IDS = Object.keys(RANGES) as RangeId[];

/** What the KPI time-series panel shows. */
export interface SeriesSelection {
  kpi: KpiName;
  granularity: Granularity;
  groupBy: GroupBy;
  range: RangeId;
}

export const DEFAULT_SELECTION: SeriesSelection = { kpi: 'inquiries', granularity: 'minute', groupBy: 'channel', range: '1h' };

const MINUTE = 60_000;

/** The time-series query: the chosen range ending at the end of the current minute (so it includes it). */
export function seriesQuery(sel: SeriesSelection, nowMs: number): MetricQuery {
  const to = Math.floor(nowMs / MINUTE) * MINUTE + MINUTE;
  return { kpi: sel.kpi, from: to - RANGES[sel.range], to, granularity: sel.granularity, group_by: sel.groupBy };
}

export type HeatKind = 'agents' | 'queues';

/**
 * The heatmap's KPI and grouping: agent load per agent, or queue length per routing group (queue). A cell
 * drills into the conversations assigned in that bucket: per agent for agents; for queues over all groups
 * (`drillByGroup` false), because a routing group names no conversations in the warehouse.
 */
export const HEAT_KPI: Record<HeatKind, { kpi: KpiName; groupBy: GroupBy; drill: KpiName; drillByGroup: boolean }> = {
  agents: { kpi: 'agent_load', groupBy: 'agent', drill: 'agent_load', drillByGroup: true },
  queues: { kpi: 'queue_length', groupBy: 'group', drill: 'queue_wait', drillByGroup: false },
};

/** The heatmap query over the board window: per minute up to 6 hours, per hour beyond (keeps the grid readable). */
export function heatmapQuery(kind: HeatKind, board: Pick<BoardSnapshot, 'generated_at' | 'window_minutes'>): MetricQuery {
  const { from, to } = boardWindow(board);
  const granularity: Granularity = board.window_minutes <= 360 ? 'minute' : 'hour';
  return { kpi: HEAT_KPI[kind].kpi, from, to, granularity, group_by: HEAT_KPI[kind].groupBy };
}
