import type { DrillConversation, DrillQuery, Granularity, GroupBy, KpiName } from '../../api/metric-types.js';
import type { BoardSnapshot } from '../../api/types.js';
import { formatClock } from '../../format/number.js';
import type { Locale, MessageKey, Translate } from '../../i18n/index.js';
import { channelLabel } from '../channels.js';
import { bucketLabel } from '../options/time-label.js';
import { formatKpiValue } from '../tiles/kpi-format.js';

/** What the drill-down panel is asked to show: the query, and how to describe its scope in a heading. */
export interface DrillRequest {
  query: DrillQuery;
  /** "last 60 min" or "11-24 09:05 · Web", in the current language. */
  scope(t: Translate): string;
}

const MINUTE = 60_000;

/**
 * The board window of a snapshot as [from, to) epoch ms, the same way the API computes it: it ends at the
 * end of the minute the snapshot was generated in and spans `window_minutes`.
 */
export function boardWindow(board: Pick<BoardSnapshot, 'generated_at' | 'window_minutes'>): { from: number; to: number } {
  const to = Math.floor(Date.parse(board.generated_at) / MINUTE) * MINUTE + MINUTE;
  return { from: to - board.window_minutes * MINUTE, to };
}

/** A tile's drill-down: the conversations behind a KPI over the board window. */
export function windowDrill(kpi: KpiName, board: Pick<BoardSnapshot, 'generated_at' | 'window_minutes'>): DrillRequest {
  const { from, to } = boardWindow(board);
  return { query: { kpi, from, to }, scope: (t) => t('board.drill.window', { n: board.window_minutes }) };
}

/** A chart bucket's drill-down: one bucket of one group (null group: all groups). */
export function bucketDrill(
  kpi: KpiName,
  bucket: number,
  granularity: Granularity,
  groupBy: GroupBy,
  group: string | null,
  timeZone: string,
  groupName: (t: Translate) => string | null = () => group,
): DrillRequest {
  return {
    query: { kpi, bucket, granularity, group_by: groupBy, group },
    scope: (t) => {
      const name = groupName(t);
      const when = bucketLabel(bucket, granularity, timeZone, granularity !== 'day');
      return name ? `${when} · ${name}` : when;
    },
  };
}

/** One drill-down table row, every cell already formatted. */
export interface DrillRow {
  conversationId: string;
  customerKey: string;
  channel: string;
  agent: string;
  started: string;
  firstResponse: string;
  outcome: string;
}

const OUTCOMES = ['opportunity', 'deal', 'lost', 'resolved'] as const;

/** The drill-down rows in the current language: channels and outcomes translated, times and durations formatted. */
export function drillRows(conversations: DrillConversation[], locale: Locale, t: Translate, timeZone?: string): DrillRow[] {
  return conversations.map((c) => ({
    conversationId: c.conversation_id,
    customerKey: c.customer_key,
    channel: c.channel ? channelLabel(c.channel, t) : '—',
    agent: c.agent || '—',
    started: c.started_at ? formatClock(c.started_at, locale, timeZone) : '—',
    firstResponse: formatKpiValue(c.first_response_ms, 'ms', locale),
    outcome: (OUTCOMES as readonly string[]).includes(c.outcome)
      ? t(`board.outcome.${c.outcome}` as MessageKey)
      : c.outcome
        ? c.outcome
        : t('board.outcome.open'),
  }));
}

/** Where the drill-down's links lead: the agent console, opened on that conversation or customer. */
export const consoleLink = {
  conversation: (id: string) => `#/console&conversation=${encodeURIComponent(id)}`,
  customer: (key: string) => `#/console&customer=${encodeURIComponent(key)}`,
};
