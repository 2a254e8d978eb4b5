import { finiteOrNull, type KpiService } from '../metrics/kpi-service.js';

/** The board's KPI tiles over its window; null where there is no data (contract: kpis in the snapshot). */
export type { KpiSummary } from '../reply-types.js';
import type { KpiSummary } from '../reply-types.js';

type Maybe = number | null | undefined;
/** The bot_resolved_share window point(s) (kpi_bot); the board passes a short-lived cache of them. */
export type BotPoints = () => Promise<Array<Record<string, unknown>>>;

/**
 * kpi_bot reads raw events, so the board (a snapshot on every push) reuses its answer for `ttlMs` within one
 * window: the bot tiles may lag the other tiles by up to that long.
 */
export function cachedBotPoints(kpis: KpiService, clock: { now(): number }, ttlMs = 15_000): (from: number, to: number) => BotPoints {
  let last: { from: number; to: number; at: number; points: Promise<Array<Record<string, unknown>>> } | null = null;
  return (from, to) => () => {
    const now = clock.now();
    if (!last || last.from !== from || last.to !== to || now - last.at >= ttlMs) {
      const points = kpis.window('bot_resolved_share', from, to) as Promise<Array<Record<string, unknown>>>;
      last = { from, to, at: now, points };
      points.catch(() => (last = null));
    }
    return last.points;
  };
}
/** n / d, null when either is missing or not finite (extreme stored data must not turn into a 500). */
const ratio = (n: Maybe, d: Maybe): number | null => (n === undefined || n === null || d === undefined || d === null || d === 0 ? null : finiteOrNull(n / d));
const field = (p: Record<string, unknown> | undefined, name: string): number | null => (p ? finiteOrNull(p[name] as number | string | null | undefined) : null);

/**
 * Sums the kpi_minute counters over [from, to) and reads the window's response-time percentiles, queue length
 * and agent load, each as one bucket covering the whole window (the same named queries as GET /v1/metrics).
 */
export async function kpiSummary(
  kpis: KpiService,
  from: number,
  to: number,
  windowMinutes: number,
  botPoints: BotPoints = () => kpis.window('bot_resolved_share', from, to),
): Promise<KpiSummary> {
  const [c, [response], [queue], [load], [bot]] = await Promise.all([
    kpis.counters(from, to),
    kpis.window('response_time', from, to),
    kpis.window('queue_length', from, to),
    kpis.window('agent_load', from, to),
    // One query (kpi_bot) gives all four bot figures: the point of bot_resolved_share carries the others' columns.
    botPoints(),
  ]);
  const has = c !== null;
  return {
    window_minutes: windowMinutes,
    inquiries: has ? (c.inquiries ?? null) : null,
    opportunities: has ? (c.opportunities ?? null) : null,
    deals: has ? (c.deals ?? null) : null,
    deal_value: has ? (c.deal_value ?? null) : null,
    inquiry_to_opportunity: ratio(c?.opportunities, c?.inquiries),
    opportunity_to_deal: ratio(c?.deals, c?.opportunities),
    csat_avg: ratio(c?.csat_sum, c?.csat_count),
    csat_satisfied_share: ratio(c?.csat_satisfied, c?.csat_count),
    nps: c && c.nps_promoters !== null && c.nps_detractors !== null ? ratio(100 * (c.nps_promoters - c.nps_detractors), c.nps_count) : null,
    complaint_rate: ratio(c?.complaints, c?.inquiries),
    response_p50_ms: field(response, 'p50_ms'),
    response_p90_ms: field(response, 'p90_ms'),
    sla_attainment: ratio(c?.sla_met, c?.sla_total),
    queue_length: field(queue, 'value'),
    agent_load: field(load, 'value'),
    bot_resolved_share: field(bot, 'value'),
    bot_handoff_rate: ratio(field(bot, 'handed_off'), field(bot, 'bot_conversations')),
    csat_bot: field(bot, 'csat_bot'),
    csat_human: field(bot, 'csat_human'),
  };
}
