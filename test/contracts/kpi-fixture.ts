import { seededRng } from '../../shared/random.js';
import type { ConversationFactsRow, DealFactsRow, KpiMinuteRow, LateEventRow, ResponseTimeRow, RoutingGaugeRow } from '../../shared/tables.js';
import { COUNTER_NAMES } from '../../stream/kpis/counters.js';

/** Rows for the KPI tables (stream/kpis, routing gauges), with several versions per key, replays and nulls. */
export interface KpiFixture {
  kpiMinutes: KpiMinuteRow[];
  conversationFacts: ConversationFactsRow[];
  responseTimes: ResponseTimeRow[];
  dealFacts: DealFactsRow[];
  lateEvents: LateEventRow[];
  routingGauges: RoutingGaugeRow[];
}

const CHANNELS = ['email', 'sms', 'web', 'wechat', 'whatsapp'];
const SOURCES = ['', 'baidu', 'wechat_ad', 'referral'];
const TEAMS = ['', 'team_east', 'team_north'];
const AGENTS = ['', 'agent-1', 'agent-2', '王芳'];
const TAGS = ['', 'VIP', 'high_value', 'normal'];

/** A conversation_facts row with the first-response fields given (and any others); the rest are plain defaults. */
export function factsRow(
  r: Pick<
    ConversationFactsRow,
    'conversation_id' | 'customer_key' | 'channel' | 'started_at' | 'first_response_at' | 'first_response_ms' | 'agent' | 'version'
  > &
    Partial<ConversationFactsRow>,
): ConversationFactsRow {
  return {
    source: '',
    team: '',
    tag: '',
    last_event_at: r.started_at,
    assigned_at: null,
    wait_ms: null,
    sla_due_at: null,
    sla_met: null,
    closed_at: null,
    duration_ms: 0,
    outcome: '',
    messages_in: 1,
    messages_out: r.first_response_ms === null ? 0 : 1,
    complaint: 0,
    csat: null,
    nps: null,
    ...r,
  };
}

/** Derived from its own seeded stream so the main fixture's draws stay as they were. */
export function makeKpiFixture(t0: number, seed: number): KpiFixture {
  const r = seededRng(seed * 7919 + 17);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: T[]) => xs[int(0, xs.length - 1)];
  const dims = () => ({ channel: pick(CHANNELS), source: pick(SOURCES), team: pick(TEAMS), agent: pick(AGENTS), tag: pick(TAGS) });

  const kpiMinutes: KpiMinuteRow[] = [];
  for (let p = 0; p < 3; p++) {
    for (let m = -20; m < 200; m += int(1, 6)) {
      const d = dims();
      const batch = int(0, 2) * 1000 + m;
      for (let v = 1; v <= int(1, 3); v++) {
        const row = { bus_partition: p, batch_offset: batch, minute: t0 + m * 60_000, ...d, version: v } as KpiMinuteRow;
        for (const n of COUNTER_NAMES) row[n] = n === 'deal_value' || n === 'csat_sum' ? int(0, 40_000) / 4 : int(0, 12) * v;
        kpiMinutes.push(row);
      }
    }
  }
  const conversationFacts: ConversationFactsRow[] = [];
  const responseTimes: ResponseTimeRow[] = [];
  for (let c = 0; c < 120; c++) {
    const d = dims();
    const started = t0 + int(-3_600_000, 10_000_000);
    for (let v = 1; v <= int(1, 3); v++) {
      const fr = r() < 0.75 ? pick([0, 1000, 2000, 2000, 45_000, int(0, 900_000)]) : null;
      const waited = r() < 0.6 ? pick([0, 5000, 5000, int(0, 400_000)]) : null;
      const closed = r() < 0.5 ? started + int(60_000, 3_600_000) : null;
      conversationFacts.push({
        conversation_id: `kconv-${c}`,
        customer_key: `cust-${c % 30}`,
        ...d,
        started_at: started,
        last_event_at: closed ?? started + int(0, 600_000),
        first_response_at: fr === null ? null : started + fr,
        first_response_ms: fr,
        assigned_at: waited === null ? null : started + waited,
        wait_ms: waited,
        sla_due_at: waited === null ? null : started + 120_000,
        sla_met: waited === null ? null : waited <= 120_000 ? 1 : 0,
        closed_at: closed,
        duration_ms: (closed ?? started) - started,
        outcome: closed === null ? '' : pick(['deal', 'lost', 'opportunity', 'resolved']),
        messages_in: int(1, 9),
        messages_out: int(0, 9),
        complaint: r() < 0.1 ? 1 : 0,
        csat: r() < 0.3 ? int(1, 5) : null,
        nps: r() < 0.2 ? int(0, 10) : null,
        version: v,
      });
    }
    for (let k = 0; k < int(0, 4); k++) {
      const at = started + int(1000, 3_000_000);
      for (let v = 1; v <= int(1, 2); v++) {
        const ms = r() < 0.1 ? -1 : pick([1000, 2000, 2000, int(0, 300_000)]);
        responseTimes.push({
          conversation_id: `conv-${c}`,
          reply_id: `p1/r-${c}-${k}`,
          replied_at: at,
          inbound_at: ms < 0 ? at : at - ms,
          response_ms: ms,
          ...d,
          version: v,
        });
      }
    }
  }
  const dealFacts: DealFactsRow[] = [];
  for (let i = 0; i < 40; i++) {
    const won = t0 + int(-3_600_000, 10_000_000);
    for (let v = 1; v <= int(1, 2); v++) {
      const first = won - int(0, 30 * 86_400_000) - v * 1000;
      dealFacts.push({
        deal_id: `p1/deal-${i}`,
        customer_key: `cust-${i % 30}`,
        conversation_id: r() < 0.3 ? null : `conv-${i}`,
        won_at: won,
        value: int(0, 90_000) / 2,
        first_touch_at: first,
        cycle_ms: won - first,
        ...dims(),
        version: v,
      });
    }
  }
  const lateEvents: LateEventRow[] = [];
  for (let i = 0; i < 25; i++) {
    const at = t0 + int(-3_600_000, 7_200_000);
    const ws = Math.floor(at / 60_000) * 60_000;
    lateEvents.push({
      producer: pick(['p1', "p'2"]),
      id: `late-${i}`,
      bus_partition: int(0, 3),
      type: pick(['message.received', 'deal.won']),
      channel: pick(CHANNELS),
      occurred_at: at,
      received_at: at + 900_000,
      window_start: ws,
      watermark: ws + 800_000,
      late_by_ms: int(1, 100_000),
      recorded_at: at + 900_000 + i,
    });
  }
  const routingGauges: RoutingGaugeRow[] = [];
  for (let s = 0; s < 120; s += int(1, 3)) {
    const at = t0 + s * 10_000;
    for (const g of ['pre_sale', 'senior_sales', 'tech_support'])
      routingGauges.push({ sampled_at: at, kind: 'queue', name: g, team: '', size: int(0, 12), capacity: 0, oldest_wait_ms: int(0, 300_000) });
    for (const a of ['agent-1', 'agent-2', '王芳'])
      routingGauges.push({
        sampled_at: at,
        kind: 'agent',
        name: a,
        team: a === 'agent-2' ? 'team_north' : 'team_east',
        size: int(0, 5),
        capacity: 5,
        oldest_wait_ms: 0,
      });
  }
  return { kpiMinutes, conversationFacts, responseTimes, dealFacts, lateEvents, routingGauges: [...routingGauges, ...routingGauges.slice(0, 10)] };
}
