import { holmAdjust } from '../experiments/stats/multiple.js';
import { mannWhitney } from '../experiments/stats/tests.js';

export interface DealCycle {
  deal_id: string;
  agent: string;
  cycle_ms: number;
  conversation_id: string;
}

/** Below this many deals (the agent's, or the rest of the team's) the rank test's normal approximation is not trusted. */
export const MIN_DEALS = 10;
/** Conversations linked from a finding, shortest cycles first: the ones to learn from. */
export const LINKED_CONVERSATIONS = 5;

export interface AgentResult {
  agent: string;
  deals: number;
  median_cycle_ms: number;
  rest_median_cycle_ms: number;
  min_sample: number;
  tested: boolean;
  z: number | null;
  p_value: number | null;
  adjusted_p: number | null;
  /** P(a deal of this agent closes faster than one of the rest), ties half: 0.5 = no difference. */
  probability_faster: number | null;
  finding: boolean;
  conversations: string[];
}

const median = (xs: readonly number[]) => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * An agent whose deal cycle is significantly shorter than the rest of the team's: a Mann-Whitney U test of the
 * agent's cycles against everyone else's (rank-based, so a few very long deals do not decide it, and cycle
 * times are skewed), Holm-adjusted across the tested agents. A finding needs adjusted p ≤ α and the agent's
 * cycles tending shorter (z < 0). Pure.
 */
export function agentDealCycleInsight(deals: readonly DealCycle[], alpha = 0.05): AgentResult[] {
  const byAgent = new Map<string, DealCycle[]>();
  for (const d of deals) byAgent.set(d.agent, [...(byAgent.get(d.agent) ?? []), d]);
  const rows = [...byAgent].map(([agent, own]) => {
    const rest = deals.filter((d) => d.agent !== agent).map((d) => d.cycle_ms);
    const mine = own.map((d) => d.cycle_ms);
    const tested = mine.length >= MIN_DEALS && rest.length >= MIN_DEALS;
    return { agent, own, mine, rest, tested, test: tested ? mannWhitney(mine, rest) : null };
  });
  const tested = rows.filter((r) => r.tested);
  const adjusted = holmAdjust(tested.map((r) => r.test!.pValue));
  const adjOf = new Map(tested.map((r, i) => [r.agent, adjusted[i]]));
  return rows
    .map((r) => {
      const adj = adjOf.get(r.agent) ?? null;
      const finding = adj !== null && adj <= alpha && r.test!.z < 0;
      return {
        agent: r.agent,
        deals: r.mine.length,
        median_cycle_ms: median(r.mine),
        rest_median_cycle_ms: median(r.rest),
        min_sample: MIN_DEALS,
        tested: r.tested,
        z: r.test?.z ?? null,
        p_value: r.test?.pValue ?? null,
        adjusted_p: adj,
        probability_faster: r.test?.probabilitySmaller ?? null,
        finding,
        conversations: finding
          ? [...r.own]
              .sort((a, b) => a.cycle_ms - b.cycle_ms)
              .flatMap((d) => (d.conversation_id ? [d.conversation_id] : []))
              .slice(0, LINKED_CONVERSATIONS)
          : [],
      };
    })
    .sort((a, b) => Number(b.finding) - Number(a.finding) || (a.adjusted_p ?? 2) - (b.adjusted_p ?? 2) || a.agent.localeCompare(b.agent));
}
