import type { KpiSummary } from '../../api/metric-types.js';
import type { BoardSnapshot } from '../../api/types.js';

/** A hand-checkable KPI summary: 3 inquiries → 1 opportunity → 1 deal of ¥1,288.5; CSAT 5 and 3; NPS 10 and 8. */
export function sampleKpis(): KpiSummary {
  return {
    window_minutes: 5,
    inquiries: 3,
    opportunities: 1,
    deals: 1,
    deal_value: 1288.5,
    inquiry_to_opportunity: 1 / 3,
    opportunity_to_deal: 1,
    csat_avg: 4,
    csat_satisfied_share: 0.5,
    nps: 50,
    complaint_rate: 0,
    response_p50_ms: 30_000,
    response_p90_ms: 90_000,
    sla_attainment: null,
    queue_length: 1.25,
    agent_load: 0.5,
    bot_resolved_share: 0.25,
    bot_handoff_rate: 0.4,
    csat_bot: 4.2,
    csat_human: 4.5,
  };
}

/** A small, hand-checkable board for option-builder tests. */
export function sampleBoard(): BoardSnapshot {
  return {
    generated_at: '2026-11-24T01:00:30.000Z',
    window_minutes: 5,
    time_zone: 'Asia/Shanghai',
    totals: { events: 33, conversations: 6, first_response: { count: 4, avg_ms: 31000, p50_ms: 25000, p90_ms: 80000 } },
    channels: [
      { channel: 'wechat', events: 10, conversations: 2, first_response: { count: 2, avg_ms: 20000, p50_ms: 18000, p90_ms: 40000 } },
      { channel: 'web', events: 20, conversations: 3, first_response: { count: 2, avg_ms: 40000, p50_ms: 30000, p90_ms: 90000 } },
      { channel: 'fax', events: 3, conversations: 1, first_response: { count: 0, avg_ms: null, p50_ms: null, p90_ms: null } },
    ],
    series: [
      { minute: '2026-11-24T00:57:00.000Z', channel: 'web', events: 5, conversations: 1 },
      { minute: '2026-11-24T00:59:00.000Z', channel: 'web', events: 15, conversations: 2 },
      { minute: '2026-11-24T00:59:00.000Z', channel: 'wechat', events: 10, conversations: 2 },
      { minute: '2026-11-24T01:00:00.000Z', channel: 'fax', events: 3, conversations: 1 },
    ],
    kpis: sampleKpis(),
    alerts: [],
  };
}
