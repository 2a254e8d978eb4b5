import type { BoardSnapshot } from '../../api/types.js';

/** A small, hand-checkable board for option-builder tests. */
export function sampleBoard(): BoardSnapshot {
  return {
    generated_at: '2026-11-24T01:00:30.000Z',
    window_minutes: 5,
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
  };
}
