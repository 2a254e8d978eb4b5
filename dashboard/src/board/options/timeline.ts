import type { BoardSnapshot, SeriesPoint } from '../../api/types.js';
import { sortChannels } from '../channels.js';

const MINUTE = 60_000;

/** Per-minute values per channel over the board window, with every minute present (zeros filled in). */
export interface Timeline {
  /** Minute bucket starts, epoch ms, ascending, one minute apart. */
  minutes: number[];
  /** Channels in display order. */
  channels: string[];
  /** `values[channel][i]` belongs to `minutes[i]`. */
  values: Record<string, number[]>;
}

/**
 * Lays the sparse `series` out on a dense minute grid covering the window that ends at the minute of
 * `generated_at` (and stretches to include any bucket outside it), so stacked series line up and gaps read as 0.
 */
export function buildTimeline(board: BoardSnapshot, metric: keyof Pick<SeriesPoint, 'events' | 'conversations'>): Timeline {
  const points = board.series.filter((p) => Number.isFinite(Date.parse(p.minute)));
  const generated = Date.parse(board.generated_at);
  const window = Math.max(1, Math.round(board.window_minutes || 60));
  const stamps = points.map((p) => floorMinute(Date.parse(p.minute)));
  let end = Number.isFinite(generated) ? floorMinute(generated) : stamps.length ? Math.max(...stamps) : 0;
  if (stamps.length) end = Math.max(end, ...stamps);
  let start = end - (window - 1) * MINUTE;
  if (stamps.length) start = Math.min(start, ...stamps);

  const minutes: number[] = [];
  for (let m = start; m <= end; m += MINUTE) minutes.push(m);
  const channels = sortChannels(points.map((p) => p.channel));
  const values: Record<string, number[]> = {};
  for (const c of channels) values[c] = new Array<number>(minutes.length).fill(0);
  points.forEach((p, i) => {
    const idx = (stamps[i] - start) / MINUTE;
    values[p.channel][idx] += Number(p[metric]) || 0;
  });
  return { minutes, channels, values };
}

function floorMinute(ms: number): number {
  return Math.floor(ms / MINUTE) * MINUTE;
}
