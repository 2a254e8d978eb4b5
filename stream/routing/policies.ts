import type { Rng } from '../../shared/random.js';
import { eligible, type Candidate, type Conversation } from './model.js';

/** Per-policy memory carried between decisions (round-robin cursors), passed in and out. */
export type PolicyState = Readonly<Record<string, string>>;

export interface PolicyContext {
  conversation: Conversation;
  /** Agents that may take it now (see `eligible`), with live load and response times. */
  candidates: readonly Candidate[];
  rng: Rng;
  state: PolicyState;
  /** The queue deciding; keys round-robin cursors. */
  queue: string;
}

export interface PolicyDecision {
  /** Agent ids, best first; the assignment script takes the first still under capacity. */
  ranked: string[];
  state: PolicyState;
}

/** A routing policy: pure, deterministic for a given rng. */
export type RoutingPolicy = (ctx: PolicyContext) => PolicyDecision;

const loadOf = (c: Candidate) => (c.capacity > 0 ? c.open / c.capacity : 1);

/** Fisher–Yates with the injected rng: equal scores are broken at random, so workers do not herd on one agent. */
function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Ranks by ascending score; ties in random (rng) order. */
function rankBy(cands: readonly Candidate[], rng: Rng, score: (c: Candidate) => number): string[] {
  return shuffled(cands, rng)
    .map((c) => ({ id: c.agent.id, s: score(c) }))
    .sort((a, b) => a.s - b.s)
    .map((x) => x.id);
}

export interface LeastLoadedWeights {
  /** Weight of open / capacity (0..1). */
  load: number;
  /** Weight of the response-time term avg / (avg + refMs) (0..1; unknown counts 0.5). */
  response: number;
  refMs: number;
}

export const DEFAULT_LEAST_LOADED: LeastLoadedWeights = { load: 1, response: 0.5, refMs: 30_000 };

/** The least-loaded score of a candidate: lower is better. */
export function leastLoadedScore(c: Candidate, w: LeastLoadedWeights = DEFAULT_LEAST_LOADED): number {
  const resp = c.avgResponseMs === null ? 0.5 : c.avgResponseMs / (c.avgResponseMs + w.refMs);
  return w.load * loadOf(c) + w.response * resp;
}

/** Least-loaded: live load weighted with recent average response time. */
export function leastLoaded(w: LeastLoadedWeights = DEFAULT_LEAST_LOADED): RoutingPolicy {
  return ({ candidates, rng, state }) => ({ ranked: rankBy(candidates, rng, (c) => leastLoadedScore(c, w)), state });
}

/** True when the agent has the conversation's required skill at the minimum level (or none is required). */
export function hasSkill(c: Candidate, conv: Conversation): boolean {
  const req = conv.requiredSkill;
  return !req || (c.agent.skills[req.name] ?? -1) >= req.minLevel;
}

/**
 * Skill match: only agents with the required skill at the minimum level;
 * higher levels first, then lower load.
 */
export const skillMatch: RoutingPolicy = ({ conversation, candidates, rng, state }) => {
  const req = conversation.requiredSkill;
  const fit = candidates.filter((c) => hasSkill(c, conversation));
  // Level dominates (integer steps); load (0..1) orders agents of one level.
  return { ranked: rankBy(fit, rng, (c) => (req ? -(c.agent.skills[req.name] ?? 0) * 2 : 0) + loadOf(c)), state };
};

/**
 * Round robin by agent id within the queue: starts after the agent the cursor
 * names and wraps. The state out moves the cursor to the first-ranked agent.
 */
export const roundRobin: RoutingPolicy = ({ candidates, state, queue }) => {
  const ids = candidates.map((c) => c.agent.id).sort();
  if (ids.length === 0) return { ranked: [], state };
  const key = `rr:${queue}`;
  const last = state[key];
  const at = last === undefined ? 0 : ids.findIndex((id) => id > last);
  const start = at < 0 ? 0 : at;
  const ranked = [...ids.slice(start), ...ids.slice(0, start)];
  return { ranked, state: { ...state, [key]: ranked[0] } };
};

/** Sticky: the previous agent first when still a candidate (available, under capacity), then `fallback`'s order. */
export function sticky(fallback: RoutingPolicy): RoutingPolicy {
  return (ctx) => {
    const d = fallback(ctx);
    const prev = ctx.conversation.previousAgentId;
    if (!prev || !ctx.candidates.some((c) => c.agent.id === prev)) return d;
    return { ranked: [prev, ...d.ranked.filter((id) => id !== prev)], state: d.state };
  };
}

/** Policies by name; the queue → name map is read on every decision, so swapping a name takes effect at once. */
export type PolicyRegistry = ReadonlyMap<string, RoutingPolicy>;

export type RouteResult = ({ ok: true } & PolicyDecision) | { ok: false; reason: 'unknown_policy'; policy: string };

/**
 * One routing decision: filters the candidates to those eligible at `now`,
 * then ranks them with the policy the queue names now.
 */
export function route(
  registry: PolicyRegistry,
  queuePolicies: Readonly<Record<string, string>>,
  ctx: PolicyContext,
  now: number,
  defaultPolicy = 'least_loaded',
): RouteResult {
  const name = queuePolicies[ctx.queue] ?? defaultPolicy;
  const policy = registry.get(name);
  if (!policy) return { ok: false, reason: 'unknown_policy', policy: name };
  return { ok: true, ...policy({ ...ctx, candidates: eligible(ctx.conversation, ctx.candidates, now) }) };
}
