import { asFiringAlerts, asKpiSummary } from './kpi-snapshot.js';
import type { BoardReply, FiringAlert, KpiSummary } from '../../../api/reply-types.js';

/** First-response statistics over a set of conversations; the `*_ms` values are null when `count` is 0. */
export type FirstResponseStats = BoardReply['totals']['first_response'];

/** Totals for one channel over the board window. */
export type ChannelRow = BoardReply['channels'][number];

/** One channel's counts in one minute bucket (`minute` is the bucket start, ISO-8601 UTC). */
export type SeriesPoint = BoardReply['series'][number];

/**
 * The board snapshot served by `GET /v1/board` and pushed as `event: board` on `GET /v1/live`, as the views read it:
 * the reply, with what an older server may leave out optional (`asBoardSnapshot` fills them in).
 */
export type BoardSnapshot = Omit<BoardReply, 'time_zone' | 'kpis' | 'alerts'> & {
  /** IANA zone of the KPI buckets; every board time axis is drawn in it (`asBoardSnapshot` defaults it). */
  time_zone?: string;
  /** Issue 6 KPIs over the window; `asBoardSnapshot` sets null when the server does not send them. */
  kpis?: KpiSummary | null;
  /** Alerts firing now; `asBoardSnapshot` sets [] when none or when the server does not send them. */
  alerts?: FiringAlert[];
};

/** True when the snapshot holds no events at all (the board shows its empty state). */
export function isEmptyBoard(board: BoardSnapshot | null): boolean {
  return !board || (board.totals.events === 0 && board.series.length === 0);
}

/**
 * Checks the minimum shape the views rely on, so a malformed push is ignored instead of breaking the page.
 * Missing optional arrays are tolerated and normalised to empty ones.
 */
export function asBoardSnapshot(value: unknown): BoardSnapshot | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Partial<BoardSnapshot>;
  if (typeof v.generated_at !== 'string' || !v.totals || typeof v.totals !== 'object') return null;
  if (typeof v.totals.events !== 'number' || typeof v.totals.conversations !== 'number') return null;
  const emptyFrt: FirstResponseStats = { count: 0, avg_ms: null, p50_ms: null, p90_ms: null };
  const windowMinutes = typeof v.window_minutes === 'number' ? v.window_minutes : 60;
  return {
    generated_at: v.generated_at,
    window_minutes: windowMinutes,
    time_zone: typeof v.time_zone === 'string' && v.time_zone ? v.time_zone : 'Asia/Shanghai',
    totals: {
      events: v.totals.events,
      conversations: v.totals.conversations,
      first_response: v.totals.first_response ?? emptyFrt,
    },
    channels: Array.isArray(v.channels) ? v.channels.map((c) => ({ ...c, first_response: c.first_response ?? emptyFrt })) : [],
    series: Array.isArray(v.series) ? v.series : [],
    kpis: asKpiSummary(v.kpis, windowMinutes),
    alerts: asFiringAlerts(v.alerts),
  };
}
