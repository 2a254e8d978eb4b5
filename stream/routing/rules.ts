import { LEGACY_INTENT_FAMILIES } from '../intent/intent-port.js';
import type { CustomerTag, Conversation, SkillRequirement } from './model.js';
import { leastLoaded, roundRobin, skillMatch, sticky, type RoutingPolicy } from './policies.js';
import { predictivePolicy, type PredictiveSetup } from './predictive/index.js';

/**
 * A routing rule from config: the first rule whose `when` matches sends the
 * conversation to `then`. Every `when` field present must match (and), each
 * list matches any of its values (or). Example, the seed's rule:
 * `{ "name": "vip-presale", "when": { "tags": ["VIP", "high_value"], "intents": ["price_inquiry", "feature_comparison", "purchase"] }, "then": { "group": "senior_sales" } }`
 * A rule naming the pre-issue-15 label `pre_sale` matches the three pre-sale intents too.
 */
export interface RoutingRule {
  name: string;
  when: { tags?: CustomerTag[]; intents?: string[]; channels?: string[]; minPriority?: number };
  then: { group?: string; skill?: SkillRequirement; policy?: string };
}

const TAGS: readonly string[] = ['VIP', 'high_value', 'normal'];
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string' && s.length > 0);
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validates rules read from config; returns an error message (naming the rule) instead of throwing. */
export function parseRules(input: unknown): RoutingRule[] | string {
  if (!Array.isArray(input)) return 'rules must be an array';
  const out: RoutingRule[] = [];
  for (const [i, r] of input.entries()) {
    const at = `rule ${i}`;
    if (!isObj(r) || typeof r.name !== 'string' || !r.name) return `${at}: needs a name`;
    const { when, then } = r;
    if (!isObj(when) || !isObj(then)) return `${at} (${r.name}): needs "when" and "then" objects`;
    for (const k of Object.keys(when)) if (!['tags', 'intents', 'channels', 'minPriority'].includes(k)) return `${at} (${r.name}): unknown condition "${k}"`;
    for (const k of Object.keys(then)) if (!['group', 'skill', 'policy'].includes(k)) return `${at} (${r.name}): unknown action "${k}"`;
    for (const k of ['tags', 'intents', 'channels'] as const)
      if (when[k] !== undefined && !isStrings(when[k])) return `${at} (${r.name}): "${k}" must be a non-empty list of strings`;
    if (when.tags !== undefined && !(when.tags as string[]).every((t) => TAGS.includes(t))) return `${at} (${r.name}): tags are VIP, high_value or normal`;
    if (when.minPriority !== undefined && !Number.isFinite(when.minPriority)) return `${at} (${r.name}): "minPriority" must be a number`;
    for (const k of ['group', 'policy'] as const)
      if (then[k] !== undefined && (typeof then[k] !== 'string' || !then[k])) return `${at} (${r.name}): "${k}" must be a non-empty string`;
    const skill = then.skill;
    if (skill !== undefined && (!isObj(skill) || typeof skill.name !== 'string' || !skill.name || !Number.isInteger(skill.minLevel)))
      return `${at} (${r.name}): "skill" must be { name, minLevel (integer) }`;
    if (then.group === undefined && then.skill === undefined && then.policy === undefined) return `${at} (${r.name}): "then" names no group, skill or policy`;
    // Every key of `when` and `then` is checked above, so they are the rule's shape; other top-level keys stay as given.
    const rule: RoutingRule = { ...r, name: r.name, when, then };
    const intents = rule.when.intents;
    const legacy = intents?.some((i) => LEGACY_INTENT_FAMILIES[i]);
    out.push(legacy ? { ...rule, when: { ...rule.when, intents: [...new Set(intents!.flatMap((i) => [i, ...(LEGACY_INTENT_FAMILIES[i] ?? [])]))] } } : rule);
  }
  return out;
}

/** The first rule that matches the conversation, or undefined. */
export function matchRule(rules: readonly RoutingRule[], c: Conversation): RoutingRule | undefined {
  return rules.find(
    ({ when: w }) =>
      (!w.tags || w.tags.includes(c.tag)) &&
      (!w.intents || w.intents.includes(c.intent)) &&
      (!w.channels || w.channels.includes(c.channel)) &&
      (w.minPriority === undefined || c.priority >= w.minPriority),
  );
}

/**
 * The rules policy: the matching rule narrows the candidates to its group,
 * sets the required skill, and ranks with its policy (else `fallback`). A
 * matching rule whose group has no candidate ranks nobody: the conversation
 * waits for that group rather than going to anyone. No rule: `fallback`.
 */
export function rulesPolicy(rules: readonly RoutingRule[], resolve: (name: string) => RoutingPolicy | undefined, fallback: RoutingPolicy): RoutingPolicy {
  return (ctx) => {
    const rule = matchRule(rules, ctx.conversation);
    if (!rule) return fallback(ctx);
    const { group, skill, policy } = rule.then;
    const conversation = skill ? { ...ctx.conversation, requiredSkill: skill } : ctx.conversation;
    // The rule's group and skill bind whatever policy ranks (its cursor too).
    const candidates = ctx.candidates.filter(
      (c) => (!group || c.agent.groups.includes(group)) && (!skill || (c.agent.skills[skill.name] ?? -1) >= skill.minLevel),
    );
    const ranker = (policy && resolve(policy)) || fallback;
    return ranker({ ...ctx, conversation, candidates });
  };
}

/**
 * The built-in policies by name: `skill_match`, `least_loaded`, `round_robin`,
 * `sticky` (then least-loaded), `rules` (the given rules, then skill match),
 * and `predictive` when a trained model and agent records are given.
 * Callers may add their own to a copy of the map.
 */
export function defaultRegistry(rules: readonly RoutingRule[] = [], predictive?: PredictiveSetup): Map<string, RoutingPolicy> {
  const reg = new Map<string, RoutingPolicy>();
  reg.set('skill_match', skillMatch);
  reg.set('least_loaded', leastLoaded());
  reg.set('round_robin', roundRobin);
  reg.set('sticky', sticky(leastLoaded()));
  reg.set(
    'rules',
    rulesPolicy(rules, (n) => (n === 'rules' ? undefined : reg.get(n)), skillMatch),
  );
  // `predictive` exists only with a trained model and agent records (stream/routing/predictive).
  if (predictive) reg.set('predictive', predictivePolicy(predictive));
  return reg;
}
