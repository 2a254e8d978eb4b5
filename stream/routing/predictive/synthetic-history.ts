import { logNormal, pick, seededRng, weighted, type Rng } from '../../../shared/random.js';
import type { EventRow } from '../../../shared/tables.js';
import type { AgentRecordRow, RoutingEventRow } from './history.js';
import { sigmoid } from './logistic.js';

/**
 * Seeded synthetic routing history with a planted conversion signal, for the
 * model, policy, replay and CLI tests (and demos). The true P(deal) is a
 * known logistic function of tag, intent, source, Shanghai hour and past
 * deals, times the serving agent's factor, so a test can check the model
 * finds what was planted.
 */
export const SYNTH_AGENTS: Readonly<Record<string, number>> = { 'agent-star': 1.6, 'agent-good': 1.2, 'agent-avg': 1.0, 'agent-new': 0.6 };
const CHANNELS = [
  ['web', 5],
  ['wechat', 4],
  ['whatsapp', 2],
  ['email', 1],
] as const;
const TAGS = [
  ['normal', 70],
  ['high_value', 22],
  ['VIP', 8],
] as const;
const INTENTS = [
  ['pre_sale', 50],
  ['tech_support', 20],
  ['after_sale', 15],
  ['complaint', 8],
  ['other', 7],
] as const;
const SOURCES = ['search', 'referral', 'social', 'ads'] as const;
const HOUR_MS = 3_600_000;

/** The planted log-odds of a conversation converting (before the agent factor). */
export function plantedLogit(f: { tag: string; intent: string; source: string; shanghaiHour: number; priorDeals: number }): number {
  return (
    -2.4 +
    (f.tag === 'VIP' ? 2 : f.tag === 'high_value' ? 1.1 : 0) +
    (f.intent === 'pre_sale' ? 1.4 : f.intent === 'complaint' ? -1.2 : 0) +
    (f.source === 'referral' ? 0.9 : 0) +
    (f.shanghaiHour >= 10 && f.shanghaiHour < 17 ? 0.6 : 0) +
    (f.priorDeals > 0 ? 1 : 0)
  );
}

/** Rows as the warehouse's `events` table stores them. */
export type SynthEventRow = EventRow & Required<Pick<EventRow, 'conversation_id' | 'agent_id'>>;

export interface SynthOptions {
  seed: number;
  customers: number;
  /** Conversations start in [startMs, startMs + spanMs). */
  startMs: number;
  spanMs: number;
  /** Set false to plant nothing: every conversation converts at the same rate (a control). */
  signal?: boolean;
  /** Recorded policy on conversation.assigned (absent: none recorded). */
  policy?: string;
}

/** Events rows (as the warehouse stores them) for `customers` customers with 1–3 conversations each. */
export function syntheticRoutingEvents(o: SynthOptions): SynthEventRow[] {
  const rng: Rng = seededRng(o.seed);
  const rows: SynthEventRow[] = [];
  const agents = Object.keys(SYNTH_AGENTS);
  for (let n = 0; n < o.customers; n++) {
    const cust = `cust-${o.seed}-${n}`;
    const tag = weighted(rng, TAGS);
    const source = pick(rng, SOURCES);
    let t = o.startMs + Math.floor(rng() * o.spanMs * 0.7);
    let deals = 0;
    const convs = 1 + Math.floor(rng() * 3);
    for (let k = 0; k < convs && t < o.startMs + o.spanMs; k++) {
      const conv = `${cust}-v${k}`;
      const channel = weighted(rng, CHANNELS);
      const intent = weighted(rng, INTENTS);
      const agent = pick(rng, agents);
      const props = { tag, source };
      let e = 0;
      const add = (type: string, at: number, extra: Record<string, unknown> = {}, agentId: string | null = null) =>
        rows.push({
          producer: 'synth',
          id: `${conv}-${++e}`,
          type,
          channel,
          occurred_at: at,
          received_at: at,
          customer_key: cust,
          conversation_id: conv,
          agent_id: agentId,
          customer: JSON.stringify({ external_id: cust }),
          properties: JSON.stringify({ ...props, ...extra }),
        });
      const hour = new Date(t + 8 * HOUR_MS).getUTCHours(); // Asia/Shanghai has no DST: UTC+8
      const p = o.signal === false ? 0.25 : sigmoid(plantedLogit({ tag, intent, source, shanghaiHour: hour, priorDeals: deals }));
      const won = rng() < Math.min(1, p * SYNTH_AGENTS[agent]);
      const assigned = t + Math.round(logNormal(rng, 20_000, 0.6));
      const closed = assigned + Math.round(logNormal(rng, 240_000, 0.5));
      add('conversation.started', t, { intent });
      add('conversation.assigned', assigned, { group: 'pre_sale', ...(o.policy ? { policy: o.policy } : {}) }, agent);
      if (won) add('deal.won', closed - 1_000, { value: 1000 }, agent);
      add('conversation.closed', closed, { outcome: won ? 'deal' : 'resolved' }, agent);
      if (won) deals++;
      t = closed + Math.round(logNormal(rng, 2 * 86_400_000, 0.8));
    }
  }
  return rows.sort((a, b) => a.occurred_at - b.occurred_at || (a.id < b.id ? -1 : 1));
}

/** The rows the routing named queries would return for these events (for tests without a warehouse). */
export function asQueryResults(rows: readonly SynthEventRow[], fromMs = -Infinity, toMs = Infinity): { events: RoutingEventRow[]; agents: AgentRecordRow[] } {
  const inRange = rows.filter((r) => r.occurred_at >= fromMs && r.occurred_at < toMs);
  const events = inRange.map((r) => ({
    customer_key: r.customer_key,
    conversation_id: r.conversation_id,
    agent_id: r.agent_id,
    type: r.type,
    channel: r.channel,
    occurred_at_ms: r.occurred_at,
    properties: r.properties,
  }));
  const by = new Map<string, { convs: Set<string>; deals: number }>();
  for (const r of inRange) {
    if (!r.agent_id) continue;
    const a = by.get(r.agent_id) ?? { convs: new Set<string>(), deals: 0 };
    if (r.type === 'conversation.assigned' && r.conversation_id) a.convs.add(r.conversation_id);
    if (r.type === 'deal.won') a.deals++;
    by.set(r.agent_id, a);
  }
  const agents = [...by].sort(([a], [b]) => (a < b ? -1 : 1)).map(([agent_id, a]) => ({ agent_id, conversations: a.convs.size, deals: a.deals }));
  return { events, agents };
}
