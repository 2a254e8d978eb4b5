import { seededRng } from '../../../shared/random.js';
import { skillGroupFor } from '../../intent/skill-groups.js';
import type { Intent } from '../../intent/intent-port.js';
import type { Conversation, CustomerTag } from '../model.js';
import { leastLoaded, type RoutingPolicy } from '../policies.js';
import { defaultRegistry } from '../rules.js';
import { evaluateModel, predictConversion, trainConversionModel, type ConversionModel, type Evaluation } from '../predictive/conversion-model.js';
import { agentRecords, foldConversations, labelled, type AgentRecord, type RecordedConversation } from '../predictive/history.js';
import type { RoutingHistory } from '../predictive/load-history.js';
import { DEFAULT_PREDICTIVE, predictive, type PredictiveOptions } from '../predictive/predictive-policy.js';
import { rosterFromData, type ReplayRoster } from './roster.js';
import { simulate, type SimConversation, type SimResult } from './simulator.js';
import { gini, percentile } from './stats.js';

export interface ReplayOptions {
  /** The policy to try (a name in the registry: skill_match, least_loaded, round_robin, sticky, rules, predictive). */
  policy: string;
  /** Replayed window [fromMs, toMs): conversations that started in it. History before `fromMs` trains the model. */
  fromMs: number;
  toMs: number;
  /** Null: a roster built from the agents in the data. */
  roster: ReplayRoster | null;
  seed: number;
  /** A deal won within this many days of a conversation's start counts as its conversion. */
  dealWindowDays: number;
  predictive?: Partial<PredictiveOptions>;
}

export const DEFAULT_DEAL_WINDOW_DAYS = 7;
/** Below this many labelled conversations before the window (or one class only), the model trains on all history. */
export const MIN_TRAINING_ROWS = 30;

export interface PolicyRun {
  /** The policy name, or `recorded` for the baseline. */
  policy: string;
  /** What ran in the baseline: one policy name, `as recorded` (the recorded agent), or `mixed`. */
  label: string;
  served: number;
  unserved: number;
  wait_p50_ms: number | null;
  wait_p90_ms: number | null;
  sla_misses: number;
  gini: number;
  expected_conversions: number;
  handled: Record<string, number>;
  /**
   * The experiment outcome metrics (docs/experiments.md) the replay can estimate, side by side with the same
   * names: deal rate and deal value per conversation from the conversion model (× the serving agent's factor,
   * × the mean recorded deal value), first response as the simulated wait until an agent takes it. Inquiry →
   * opportunity, CSAT and deal cycle have no model here and are null: try those as a live experiment.
   */
  outcomes: ReplayOutcomes;
}

export interface ReplayOutcomes {
  deal_rate: number;
  deal_value: number;
  first_response_p50_ms: number | null;
  first_response_p90_ms: number | null;
  inquiry_to_opportunity: null;
  csat: null;
  deal_cycle_ms: null;
}

export interface ReplayReport {
  from_ms: number;
  to_ms: number;
  seed: number;
  conversations: number;
  agents: number;
  roster: 'file' | 'from_data';
  model: { trained_on: number; in_sample: boolean; base_rate: number; converged: boolean; evaluation: Evaluation | null };
  runs: [PolicyRun, PolicyRun];
}

export type ReplayOutcome = { ok: true; report: ReplayReport } | { ok: false; code: 'REPLAY_ERR_UNKNOWN_POLICY' | 'REPLAY_ERR_NO_DATA'; message: string };

const TAGS: readonly string[] = ['VIP', 'high_value', 'normal'];
const round = (x: number, digits: number) => Number(x.toFixed(digits));

/** Picks the training rows: labelled history before the window when there is enough, else everything labelled. */
function trainModel(all: readonly RecordedConversation[], fromMs: number): { model: ConversionModel; inSample: boolean } {
  const known = labelled(all);
  const before = known.filter((c) => c.at < fromMs);
  const positives = before.reduce((s, c) => s + c.converted, 0);
  const enough = before.length >= MIN_TRAINING_ROWS && positives > 0 && positives < before.length;
  return { model: trainConversionModel(enough ? before : known), inSample: !enough };
}

/** Handle time per conversation: recorded assigned → closed; else the median of the recorded ones (5 min when none). */
function handleTimes(convs: readonly RecordedConversation[]): (c: RecordedConversation) => number {
  const known = convs.filter((c) => c.assignedAt !== null && c.closedAt !== null && c.closedAt >= c.assignedAt).map((c) => c.closedAt! - c.assignedAt!);
  const fallback = known.length ? percentile(known, 0.5) : 300_000;
  return (c) => (c.assignedAt !== null && c.closedAt !== null && c.closedAt >= c.assignedAt ? c.closedAt - c.assignedAt : fallback);
}

/** Mean value of the recorded won deals (0 without any): what one expected conversion is worth. */
export function meanDealValue(history: RoutingHistory): number {
  const values = history.events
    .filter((e) => e.type === 'deal.won')
    .map((e) => Number((typeof e.properties === 'string' ? (JSON.parse(e.properties || '{}') as Record<string, unknown>) : (e.properties ?? {})).value))
    .filter((v) => Number.isFinite(v) && v >= 0);
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
}

function summarise(
  policy: string,
  label: string,
  sim: SimResult,
  pOf: Map<string, number>,
  records: ReadonlyMap<string, AgentRecord>,
  dealValue: number,
): PolicyRun {
  const waits = sim.assignments.map((a) => a.waitMs);
  const expected = sim.assignments.reduce((s, a) => s + Math.min(1, (pOf.get(a.id) ?? 0) * (records.get(a.agentId)?.factor ?? 1)), 0);
  const p50 = percentile(waits, 0.5);
  const p90 = percentile(waits, 0.9);
  return {
    policy,
    label,
    served: sim.assignments.length,
    unserved: sim.unserved.length,
    wait_p50_ms: Number.isNaN(p50) ? null : p50,
    wait_p90_ms: Number.isNaN(p90) ? null : p90,
    // A conversation never served missed its SLA too.
    sla_misses: sim.assignments.filter((a) => a.slaMissed).length + sim.unserved.length,
    gini: round(gini(Object.values(sim.handled)), 6),
    expected_conversions: round(expected, 6),
    handled: sim.handled,
    outcomes: {
      deal_rate: round(pOf.size ? expected / pOf.size : 0, 6),
      deal_value: round(pOf.size ? (expected * dealValue) / pOf.size : 0, 4),
      first_response_p50_ms: Number.isNaN(p50) ? null : p50,
      first_response_p90_ms: Number.isNaN(p90) ? null : p90,
      inquiry_to_opportunity: null,
      csat: null,
      deal_cycle_ms: null,
    },
  };
}

/**
 * Replays the conversations that started in [fromMs, toMs) under `policy` and
 * under the policy that actually ran, with the same roster, handle times and
 * seed. Pure: the history is loaded by the caller.
 */
export function runReplay(history: RoutingHistory, o: ReplayOptions): ReplayOutcome {
  const all = foldConversations(history.events, o.dealWindowDays, o.toMs);
  const inWindow = all.filter((c) => c.at >= o.fromMs && c.at < o.toMs);
  if (inWindow.length === 0)
    return {
      ok: false,
      code: 'REPLAY_ERR_NO_DATA',
      message: `no recorded conversation started between ${new Date(o.fromMs).toISOString()} and ${new Date(o.toMs).toISOString()}`,
    };
  const { model, inSample } = trainModel(all, o.fromMs);
  const records = agentRecords(history.agents);
  const channels = [...new Set(all.map((c) => c.channel))].sort();
  const roster = o.roster ?? rosterFromData([...records.keys(), ...all.flatMap((c) => (c.agentId ? [c.agentId] : []))], channels);
  const rosterIds = new Set(roster.agents.map((a) => a.id));

  const byId = new Map(inWindow.map((c) => [c.id, c]));
  const pOf = new Map(inWindow.map((c) => [c.id, predictConversion(model, c)]));
  const groupSize = (g: string) => roster.agents.filter((a) => a.groups.includes(g)).length || roster.agents.length;
  // The simulator's pool for a group: its members, or everyone when the roster has none.
  const inPool = (g: string, id: string) =>
    rosterIds.has(id) && (roster.agents.find((a) => a.id === id)!.groups.includes(g) || !roster.agents.some((a) => a.groups.includes(g)));
  const registry = defaultRegistry(roster.rules);
  const predictivePolicy = (queue: string): RoutingPolicy =>
    predictive({
      probabilityOf: (c: Conversation) => pOf.get(c.id) ?? model.baseRate,
      factorOf: (id) => records.get(id)?.factor ?? 1,
      options: { ...DEFAULT_PREDICTIVE, poolSize: groupSize(queue), ...o.predictive },
    });
  const perQueue = new Map<string, RoutingPolicy>();
  registry.set('predictive', (ctx) => {
    let p = perQueue.get(ctx.queue);
    if (!p) perQueue.set(ctx.queue, (p = predictivePolicy(ctx.queue)));
    return p(ctx);
  });
  const chosen = registry.get(o.policy);
  if (!chosen) return { ok: false, code: 'REPLAY_ERR_UNKNOWN_POLICY', message: `unknown policy "${o.policy}"; one of ${[...registry.keys()].join(', ')}` };

  const handle = handleTimes(all);
  const sims: SimConversation[] = inWindow.map((c) => {
    const group = c.group ?? skillGroupFor(c.intent as Intent);
    const slaMs = roster.slaMsByGroup[group] ?? roster.slaMs;
    const conversation: Conversation = {
      id: c.id,
      tag: (TAGS.includes(c.tag) ? c.tag : 'normal') as CustomerTag,
      channel: c.channel,
      intent: c.intent,
      priority: 0,
      enqueuedAt: c.at,
      slaDueAt: c.at + slaMs,
    };
    return { conversation, group, handleMs: handle(c) };
  });

  // The baseline: each conversation under the policy its assignment recorded, or pinned to the agent who served it.
  const fallback = leastLoaded();
  const asRecorded =
    (agentId: string): RoutingPolicy =>
    (ctx) => ({ ranked: ctx.candidates.some((x) => x.agent.id === agentId) ? [agentId] : [], state: ctx.state });
  const recordedFor = (s: SimConversation): RoutingPolicy => {
    const c = byId.get(s.conversation.id)!;
    const named = c.policy ? registry.get(c.policy) : undefined;
    if (named) return named;
    return c.agentId && inPool(s.group, c.agentId) ? asRecorded(c.agentId) : fallback;
  };
  const labels = new Set(inWindow.map((c) => (c.policy && registry.has(c.policy) ? c.policy : 'as recorded')));
  const baselineLabel = labels.size === 1 ? [...labels][0] : 'mixed';

  const baseline = simulate({ agents: roster.agents, conversations: sims, policyFor: recordedFor, rng: seededRng(o.seed) });
  const trial = simulate({ agents: roster.agents, conversations: sims, policyFor: () => chosen, rng: seededRng(o.seed) });
  const dealValue = meanDealValue(history);
  const known = labelled(inWindow);
  return {
    ok: true,
    report: {
      from_ms: o.fromMs,
      to_ms: o.toMs,
      seed: o.seed,
      conversations: inWindow.length,
      agents: roster.agents.length,
      roster: o.roster ? 'file' : 'from_data',
      model: {
        trained_on: model.trainedOn,
        in_sample: inSample,
        base_rate: round(model.baseRate, 6),
        converged: model.converged,
        evaluation: known.length ? evaluateModel(model, known) : null,
      },
      runs: [summarise('recorded', baselineLabel, baseline, pOf, records, dealValue), summarise(o.policy, o.policy, trial, pOf, records, dealValue)],
    },
  };
}
