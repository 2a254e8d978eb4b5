import type { Agent } from '../model.js';
import { parseRules, type RoutingRule } from '../rules.js';

/** What the replay needs from a roster file (the shape of ROUTING_CONFIG / demo-roster.json). */
export interface ReplayRoster {
  agents: Agent[];
  /** Group → SLA in ms for the first assignment. */
  slaMsByGroup: Record<string, number>;
  slaMs: number;
  rules: RoutingRule[];
}

export const DEFAULT_SLA_MS = 120_000;
/** Capacity given to every agent of a roster built from the data (no file): three conversations at once per channel. */
export const DEFAULT_CAPACITY = 3;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates a roster document; returns a message naming the bad field instead
 * of throwing. Capacity `{"*": n}` is expanded to every channel in `channels`
 * (the channels seen in the replayed data). Presence and working hours are
 * ignored: the replay keeps every agent online (docs/routing-replay.md).
 */
export function parseReplayRoster(doc: unknown, channels: readonly string[]): ReplayRoster | string {
  if (!isObj(doc)) return 'roster must be a JSON object';
  if (!Array.isArray(doc.agents) || doc.agents.length === 0) return 'agents must be a non-empty array';
  const agents: Agent[] = [];
  const seen = new Set<string>();
  for (const [i, a] of doc.agents.entries()) {
    const at = `agents[${i}]`;
    if (!isObj(a) || typeof a.id !== 'string' || a.id === '') return `${at}.id must be a non-empty string`;
    if (seen.has(a.id)) return `${at}.id "${a.id}" appears twice`;
    seen.add(a.id);
    if (a.groups !== undefined && !(Array.isArray(a.groups) && a.groups.every((g) => typeof g === 'string'))) return `${at}.groups must be a list of strings`;
    if (a.skills !== undefined && !(isObj(a.skills) && Object.values(a.skills).every((v) => Number.isFinite(v))))
      return `${at}.skills must map names to numbers`;
    if (!isObj(a.capacity) || Object.keys(a.capacity).length === 0) return `${at}.capacity must be an object of channel → number`;
    const capacity: Record<string, number> = {};
    for (const [ch, n] of Object.entries(a.capacity)) {
      if (!Number.isInteger(n) || (n as number) < 0) return `${at}.capacity.${ch} must be an integer ≥ 0`;
      if (ch === '*') for (const c of channels) capacity[c] ??= n as number;
      else capacity[ch] = n as number;
    }
    agents.push({ id: a.id, groups: a.groups ?? [], skills: (a.skills as Record<string, number> | undefined) ?? {}, capacity, presence: 'online' });
  }
  let slaMs = DEFAULT_SLA_MS;
  if (doc.slaMs !== undefined) {
    if (!(Number.isFinite(doc.slaMs) && (doc.slaMs as number) > 0)) return 'slaMs must be a number > 0';
    slaMs = doc.slaMs as number;
  }
  const slaMsByGroup: Record<string, number> = {};
  if (doc.queues !== undefined) {
    if (!Array.isArray(doc.queues)) return 'queues must be an array';
    for (const [i, q] of doc.queues.entries()) {
      if (!isObj(q) || typeof q.group !== 'string' || q.group === '') return `queues[${i}].group must be a non-empty string`;
      if (q.slaMs !== undefined && !(Number.isFinite(q.slaMs) && (q.slaMs as number) > 0)) return `queues[${i}].slaMs must be a number > 0`;
      slaMsByGroup[q.group] = (q.slaMs as number | undefined) ?? slaMs;
    }
  }
  let rules: RoutingRule[] = [];
  if (doc.rules !== undefined) {
    const r = parseRules(doc.rules);
    if (typeof r === 'string') return `rules: ${r}`;
    rules = r;
  }
  return { agents, slaMsByGroup, slaMs, rules };
}

/** A roster from the agents seen in the data: everyone in every group, DEFAULT_CAPACITY on every channel. */
export function rosterFromData(agentIds: readonly string[], channels: readonly string[]): ReplayRoster {
  const capacity = Object.fromEntries(channels.map((c) => [c, DEFAULT_CAPACITY]));
  const agents = [...new Set(agentIds)].sort().map((id): Agent => ({ id, groups: [], skills: {}, capacity: { ...capacity }, presence: 'online' }));
  return { agents, slaMsByGroup: {}, slaMs: DEFAULT_SLA_MS, rules: [] };
}
