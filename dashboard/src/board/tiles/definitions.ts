import type { KpiName } from '../../api/metric-types.js';
import type { BoardSnapshot, ChannelRow } from '../../api/types.js';
import { formatDuration } from '../../format/duration.js';
import { formatInt } from '../../format/number.js';
import type { MessageKey } from '../../i18n/index.js';
import { channelColor, channelLabel, sortChannels } from '../channels.js';
import type { ChartContext } from '../options/context.js';

/** One line of a tile's channel breakdown. */
export interface BreakdownRow {
  channel: string;
  label: string;
  color: string;
  /** Raw value (count or ms); null when the channel has no data for this metric. */
  raw: number | null;
  text: string;
  /** Share of the total in 0..1, for count metrics. */
  share: number | null;
  /** Extra note, e.g. the sample size behind a percentile. */
  note: string | null;
}

/** A KPI tile: what it shows is data; `kpi-tile.ts` draws any of these. */
export interface TileDef {
  testid: string;
  titleKey: MessageKey;
  value(board: BoardSnapshot): number | null;
  format(value: number | null, ctx: ChartContext): string;
  /** Line under the value (e.g. the sample size); null for none. */
  note(board: BoardSnapshot, ctx: ChartContext): string | null;
  /** Per-channel rows for the "by channel" popover; tiles without one have no popover. */
  breakdown?(board: BoardSnapshot, ctx: ChartContext): BreakdownRow[];
  /** Show the thin stacked bar of channel shares. */
  shareBar: boolean;
  /** A click on the tile lists the conversations behind this KPI over the board window. */
  drill?: KpiName;
}

function ordered(board: BoardSnapshot): ChannelRow[] {
  const byName = new Map(board.channels.map((c) => [c.channel, c]));
  return sortChannels(byName.keys()).map((c) => byName.get(c)!);
}

function countTile(testid: string, titleKey: MessageKey, metric: 'events' | 'conversations'): TileDef {
  return {
    testid,
    titleKey,
    shareBar: true,
    value: (b) => b.totals[metric],
    format: (v, ctx) => (v === null ? '—' : formatInt(v, ctx.locale)),
    note: () => null,
    breakdown(board, ctx) {
      const total = board.channels.reduce((s, c) => s + c[metric], 0);
      return ordered(board)
        .filter((c) => c[metric] > 0)
        .sort((a, b) => b[metric] - a[metric])
        .map((c) => ({
          channel: c.channel,
          label: channelLabel(c.channel, ctx.t),
          color: channelColor(c.channel),
          raw: c[metric],
          text: formatInt(c[metric], ctx.locale),
          share: total > 0 ? c[metric] / total : 0,
          note: null,
        }));
    },
  };
}

function frtTile(testid: string, titleKey: MessageKey, key: 'p50_ms' | 'p90_ms'): TileDef {
  return {
    testid,
    titleKey,
    shareBar: false,
    drill: 'first_response',
    value: (b) => b.totals.first_response[key],
    format: (v, ctx) => formatDuration(v, ctx.locale),
    note: (b, ctx) => ctx.t('tile.sample', { n: formatInt(b.totals.first_response.count, ctx.locale) }),
    breakdown(board, ctx) {
      return ordered(board)
        .filter((c) => c.first_response.count > 0)
        .map((c) => ({
          channel: c.channel,
          label: channelLabel(c.channel, ctx.t),
          color: channelColor(c.channel),
          raw: c.first_response[key],
          text: formatDuration(c.first_response[key], ctx.locale),
          share: null,
          note: `n=${formatInt(c.first_response.count, ctx.locale)}`,
        }));
    },
  };
}

/** The board's KPI tiles, in display order. Later issues append here. */
export const TILES: readonly TileDef[] = [
  countTile('tile-events', 'tile.events', 'events'),
  countTile('tile-conversations', 'tile.conversations', 'conversations'),
  frtTile('tile-frt-p50', 'tile.frtP50', 'p50_ms'),
  frtTile('tile-frt-p90', 'tile.frtP90', 'p90_ms'),
];
