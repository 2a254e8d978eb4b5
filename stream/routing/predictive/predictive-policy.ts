import type { Candidate, Conversation } from '../model.js';
import { leastLoaded, type PolicyState, type RoutingPolicy } from '../policies.js';

/**
 * The predictive policy's knobs. The fairness limit is a sliding count: over
 * the last `window` conversations the policy steered by conversion record in
 * one queue, no agent is ranked first more than
 * `cap = max(1, ceil(fairnessShare × window / poolSize))` times, i.e. at most
 * `fairnessShare` × their fair share of the likely buyers.
 */
export interface PredictiveOptions {
  /** P(conversion) at or above which a conversation counts as a likely buyer. */
  threshold: number;
  /** How many recent steered conversations the limit looks at. */
  window: number;
  /** Multiple of the fair share (window / poolSize) one agent may take; ≥ 1. */
  fairnessShare: number;
  /** Agents sharing the likely buyers (the queue's roster size). */
  poolSize: number;
}

export const DEFAULT_PREDICTIVE: Omit<PredictiveOptions, 'poolSize'> = { threshold: 0.3, window: 20, fairnessShare: 1.5 };

/** The per-agent cap of the sliding window. */
export function fairnessCap(o: PredictiveOptions): number {
  return Math.max(1, Math.ceil((o.fairnessShare * o.window) / Math.max(1, o.poolSize)));
}

export interface PredictiveDeps {
  /** P(conversion) of a conversation (the trained model behind a feature lookup). */
  probabilityOf: (c: Conversation) => number;
  /** An agent's conversion factor (1 = average; unknown agents count 1). */
  factorOf: (agentId: string) => number;
  options: PredictiveOptions;
  /** Ranks everyone else: low-probability conversations, and likely buyers nobody under the limit can take. */
  fallback?: RoutingPolicy;
}

/** The state key of a queue's window: agent ids of the last steered decisions, oldest first, joined by '\n'. */
export const windowKey = (queue: string) => `pred:${queue}`;

export function readWindow(state: PolicyState, queue: string): string[] {
  const v = state[windowKey(queue)];
  return v ? v.split('\n') : [];
}

const loadOf = (c: Candidate) => (c.capacity > 0 ? c.open / c.capacity : 1);

/**
 * Predictive routing. A likely buyer (P ≥ threshold) goes to the eligible
 * agent with the best conversion factor (then the lower load, then id) among
 * those under the fairness cap; the rest follow in the same order and the
 * decision is recorded in the window. When every eligible agent is at the cap,
 * or P is below the threshold, the conversation is ranked by `fallback`
 * (least-loaded), agents at the cap last, and not recorded: it was not steered.
 * Pure: everything it remembers travels in `state`.
 */
export function predictive(deps: PredictiveDeps): RoutingPolicy {
  const fallback = deps.fallback ?? leastLoaded();
  const cap = fairnessCap(deps.options);
  return (ctx) => {
    const { conversation, candidates, state, queue } = ctx;
    const recent = readWindow(state, queue);
    const taken = new Map<string, number>();
    for (const id of recent) taken.set(id, (taken.get(id) ?? 0) + 1);
    const atCap = (id: string) => (taken.get(id) ?? 0) >= cap;
    const p = deps.probabilityOf(conversation);
    const under = candidates.filter((c) => !atCap(c.agent.id));
    if (!(p >= deps.options.threshold) || under.length === 0) {
      const d = fallback(ctx);
      const ranked = [...d.ranked.filter((id) => !atCap(id)), ...d.ranked.filter(atCap)];
      return { ranked, state: d.state };
    }
    const byRecord = [...under].sort(
      (a, b) =>
        deps.factorOf(b.agent.id) - deps.factorOf(a.agent.id) || loadOf(a) - loadOf(b) || (a.agent.id < b.agent.id ? -1 : a.agent.id > b.agent.id ? 1 : 0),
    );
    const first = byRecord[0].agent.id;
    const next = [...recent, first].slice(-deps.options.window);
    return { ranked: byRecord.map((c) => c.agent.id), state: { ...state, [windowKey(queue)]: next.join('\n') } };
  };
}
