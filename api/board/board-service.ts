import type { Clock } from '../../shared/clock.js';
import type { Warehouse } from '../../shared/ports/warehouse.js';
import type { FiringAlert } from '../alerts/evaluator.js';
import { finiteOrNull, KpiService } from '../metrics/kpi-service.js';
import { cachedBotPoints, kpiSummary, type KpiSummary } from './kpi-summary.js';

export interface FirstResponseSummary {
  count: number;
  avg_ms: number | null;
  p50_ms: number | null;
  p90_ms: number | null;
}

export interface BoardSnapshot {
  generated_at: string;
  window_minutes: number;
  /** The KPI time zone (KPI_TIME_ZONE): the dashboard draws every time axis in it. */
  time_zone: string;
  totals: { events: number; conversations: number; first_response: FirstResponseSummary };
  channels: Array<{ channel: string; events: number; conversations: number; first_response: FirstResponseSummary }>;
  series: Array<{ minute: string; channel: string; events: number; conversations: number }>;
  /** KPI tiles over the window (issue 6). */
  kpis: KpiSummary;
  /** Alert rules firing now. */
  alerts: FiringAlert[];
}

export interface BoardOptions {
  /** KPI reader; default one on the same warehouse with buckets in Asia/Shanghai. */
  kpis?: KpiService;
  /** Firing alerts (api/alerts); default none. */
  alerts?: { firing(): FiringAlert[] };
}

interface MinuteRow {
  bucket_ms: number | string;
  channel: string;
  events: number | string;
  conversations: number | string;
}
interface FrtRow {
  channel: string | null;
  count: number | string;
  avg_ms: number | string | null;
  p50_ms: number | string | null;
  p90_ms: number | string | null;
}

const num = (v: number | string | null): number | null => finiteOrNull(v);

function summary(r: FrtRow | undefined): FirstResponseSummary {
  if (!r || Number(r.count) === 0) return { count: 0, avg_ms: null, p50_ms: null, p90_ms: null };
  const avg = num(r.avg_ms);
  return { count: Number(r.count), avg_ms: avg === null ? null : Math.round(avg), p50_ms: num(r.p50_ms), p90_ms: num(r.p90_ms) };
}

/**
 * Builds the live board's snapshot from the warehouse: the last N minutes of
 * per-minute counts and first response per channel. Windows end at the
 * current minute's end so the minute in progress is included.
 */
export class BoardService {
  private readonly kpis: KpiService;
  private readonly botPoints: ReturnType<typeof cachedBotPoints>;
  constructor(
    private readonly warehouse: Warehouse,
    private readonly clock: Clock,
    private readonly opts: BoardOptions = {},
  ) {
    this.kpis = opts.kpis ?? new KpiService(warehouse, 'Asia/Shanghai');
    this.botPoints = cachedBotPoints(this.kpis, clock);
  }

  async snapshot(minutes: number): Promise<BoardSnapshot> {
    const now = this.clock.now();
    const to = Math.floor(now / 60_000) * 60_000 + 60_000;
    const from = to - minutes * 60_000;
    const [rows, frt, kpis] = await Promise.all([
      this.warehouse.query<MinuteRow>('metric_channel_counts', { from_ms: from, to_ms: to, bucket_s: 60, channel: null }),
      this.warehouse.query<FrtRow>('board_first_response', { from_ms: from, to_ms: to }),
      kpiSummary(this.kpis, from, to, minutes, this.botPoints(from, to)),
    ]);
    const byChannel = new Map<string, { events: number; conversations: number }>();
    let events = 0;
    let conversations = 0;
    const series = rows.map((r) => {
      const e = Number(r.events);
      const c = Number(r.conversations);
      events += e;
      conversations += c;
      const agg = byChannel.get(r.channel) ?? { events: 0, conversations: 0 };
      agg.events += e;
      agg.conversations += c;
      byChannel.set(r.channel, agg);
      return { minute: new Date(Number(r.bucket_ms)).toISOString(), channel: r.channel, events: e, conversations: c };
    });
    const frtBy = new Map(frt.filter((r) => r.channel !== null && r.channel !== '').map((r) => [r.channel as string, r]));
    for (const ch of frtBy.keys()) if (!byChannel.has(ch)) byChannel.set(ch, { events: 0, conversations: 0 });
    const total = frt.find((r) => r.channel === null || r.channel === '');
    return {
      generated_at: new Date(now).toISOString(),
      window_minutes: minutes,
      time_zone: this.kpis.timeZone,
      totals: { events, conversations, first_response: summary(total) },
      channels: [...byChannel]
        .map(([channel, a]) => ({ channel, ...a, first_response: summary(frtBy.get(channel)) }))
        .sort((a, b) => b.events - a.events || a.channel.localeCompare(b.channel)),
      series,
      kpis,
      alerts: this.opts.alerts?.firing() ?? [],
    };
  }
}
