import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OmnilaneError } from '../../shared/errors.js';
import { projectRoot } from '../../shared/paths.js';
import { INTENTS, LEGACY_INTENT_FAMILIES, toIntent, type Intent } from '../intent/intent-port.js';
import type { Agent, WorkingHours } from './model.js';
import { parseRules, type RoutingRule } from './rules.js';

/** Policy names a queue may name in the roster (and PUT /v1/routing/queues/{group}/policy). */
export const POLICY_NAMES = ['skill_match', 'least_loaded', 'round_robin', 'sticky', 'rules', 'predictive'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

export interface RosterAgent extends Omit<Agent, 'presence'> {
  name: string;
  role: 'agent' | 'manager';
  team: string;
  /** Teams a manager manages (their agents, their groups' queues). */
  manages: string[];
}

export interface QueueConfig {
  group: string;
  /** The policy at start; `rt:policy:<group>` in the StateStore overrides it at run time. */
  policy: PolicyName;
  slaMs: number;
  /** The FAQ bot may answer conversations waiting in this queue (BOT_ENABLED and BOT_CHANNELS permitting); default true. */
  bot?: boolean;
}

export interface Roster {
  agents: RosterAgent[];
  queues: QueueConfig[];
  rules: RoutingRule[];
  acceptTimeoutMs: number;
  slaMs: number;
  /** Intent → group (triage); an intent not named goes to the first queue. */
  intentGroups: Partial<Record<Intent, string>>;
  /** Priority added once to a queued conversation predicted to breach its SLA. */
  escalationBoost: number;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string' && s !== '');
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

function parseHours(v: unknown, at: string): WorkingHours | string {
  if (!isObj(v)) return `${at} must be { timeZone, days, start, end }`;
  if (typeof v.timeZone !== 'string') return `${at}.timeZone must be an IANA zone`;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: v.timeZone });
  } catch {
    return `${at}.timeZone "${v.timeZone}" is not a known time zone`;
  }
  if (!Array.isArray(v.days) || !v.days.every((d) => Number.isInteger(d) && d >= 0 && d <= 6)) return `${at}.days must be integers 0 (Sunday) … 6`;
  for (const k of ['start', 'end'] as const) if (typeof v[k] !== 'string' || !HHMM.test(v[k])) return `${at}.${k} must be HH:MM`;
  return { timeZone: v.timeZone, days: v.days as number[], start: v.start as string, end: v.end as string };
}

function parseAgent(a: unknown, at: string): RosterAgent | string {
  if (!isObj(a)) return `${at} must be an object`;
  if (typeof a.id !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(a.id)) return `${at}.id must be 1-64 letters, digits, _ . -`;
  if (typeof a.name !== 'string' || a.name === '') return `${at}.name must be a non-empty string`;
  if (a.role !== 'agent' && a.role !== 'manager') return `${at}.role must be agent or manager`;
  if (typeof a.team !== 'string' || a.team === '') return `${at}.team must be a non-empty string`;
  if (!isStrList(a.groups)) return `${at}.groups must be a list of group names`;
  if (a.manages !== undefined && !isStrList(a.manages)) return `${at}.manages must be a list of team names`;
  if (a.skills !== undefined && !(isObj(a.skills) && Object.values(a.skills).every((n) => Number.isFinite(n)))) return `${at}.skills must map names to numbers`;
  if (!isObj(a.capacity) || Object.keys(a.capacity).length === 0) return `${at}.capacity must be { channel: n } or { "*": n }`;
  for (const [ch, n] of Object.entries(a.capacity))
    if (!Number.isInteger(n) || (n as number) < 0 || (n as number) > 1000) return `${at}.capacity.${ch} must be an integer 0-1000`;
  let workingHours: WorkingHours | undefined;
  if (a.workingHours !== undefined) {
    const wh = parseHours(a.workingHours, `${at}.workingHours`);
    if (typeof wh === 'string') return wh;
    workingHours = wh;
  }
  return {
    id: a.id,
    name: a.name,
    role: a.role,
    team: a.team,
    groups: a.groups,
    manages: a.manages ?? (a.role === 'manager' ? [a.team] : []),
    skills: (a.skills as Record<string, number> | undefined) ?? {},
    capacity: a.capacity as Record<string, number>,
    ...(workingHours ? { workingHours } : {}),
  };
}

const positive = (v: unknown, def: number, at: string): number | string =>
  v === undefined
    ? def
    : Number.isInteger(v) && (v as number) > 0 && (v as number) <= 7 * 86_400_000
      ? (v as number)
      : `${at} must be a whole number of ms > 0`;

/** Validates a roster document; returns a message naming the bad field instead of throwing. */
export function parseRoster(doc: unknown): Roster | string {
  if (!isObj(doc)) return 'the roster must be a JSON object';
  if (!Array.isArray(doc.agents) || doc.agents.length === 0) return 'agents must be a non-empty array';
  const agents: RosterAgent[] = [];
  for (const [i, raw] of doc.agents.entries()) {
    const a = parseAgent(raw, `agents[${i}]`);
    if (typeof a === 'string') return a;
    if (agents.some((x) => x.id === a.id)) return `agents[${i}].id "${a.id}" appears twice`;
    agents.push(a);
  }
  const slaMs = positive(doc.slaMs, 120_000, 'slaMs');
  if (typeof slaMs === 'string') return slaMs;
  const acceptTimeoutMs = positive(doc.acceptTimeoutMs, 60_000, 'acceptTimeoutMs');
  if (typeof acceptTimeoutMs === 'string') return acceptTimeoutMs;
  const escalationBoost = doc.escalationBoost === undefined ? 100 : doc.escalationBoost;
  if (!Number.isInteger(escalationBoost) || (escalationBoost as number) < 0 || (escalationBoost as number) > 10_000)
    return 'escalationBoost must be an integer 0-10000';
  if (!Array.isArray(doc.queues) || doc.queues.length === 0) return 'queues must be a non-empty array';
  const queues: QueueConfig[] = [];
  for (const [i, q] of doc.queues.entries()) {
    const at = `queues[${i}]`;
    if (!isObj(q) || typeof q.group !== 'string' || !/^[a-z][a-z0-9_]{0,63}$/.test(q.group)) return `${at}.group must be a lower-case name (a-z, 0-9, _)`;
    if (queues.some((x) => x.group === q.group)) return `${at}.group "${q.group}" appears twice`;
    if (!POLICY_NAMES.includes(q.policy as PolicyName)) return `${at}.policy must be one of ${POLICY_NAMES.join(', ')}`;
    const sla = positive(q.slaMs, slaMs, `${at}.slaMs`);
    if (typeof sla === 'string') return sla;
    if (q.bot !== undefined && typeof q.bot !== 'boolean') return `${at}.bot must be true or false`;
    queues.push({ group: q.group, policy: q.policy as PolicyName, slaMs: sla, ...(q.bot === false ? { bot: false } : {}) });
  }
  let rules: RoutingRule[] = [];
  if (doc.rules !== undefined) {
    const r = parseRules(doc.rules);
    if (typeof r === 'string') return `rules: ${r}`;
    rules = r;
  }
  const groups = new Set(queues.map((q) => q.group));
  for (const r of rules) if (r.then.group && !groups.has(r.then.group)) return `rules: rule ${r.name} sends to group "${r.then.group}", which has no queue`;
  const intentGroups: Partial<Record<Intent, string>> = {};
  if (doc.intentGroups !== undefined) {
    if (!isObj(doc.intentGroups)) return 'intentGroups must map intents to groups';
    // A roster written for the five pre-issue-15 labels still loads: `pre_sale` maps the three pre-sale intents
    // (price_inquiry, feature_comparison, purchase) unless the roster names them itself.
    const legacy: [Intent, string][] = [];
    for (const [intent, g] of Object.entries(doc.intentGroups)) {
      if (!toIntent(intent)) return `intentGroups.${intent} is not an intent (${INTENTS.join(', ')})`;
      if (typeof g !== 'string' || !groups.has(g)) return `intentGroups.${intent} must name a group with a queue`;
      const family = LEGACY_INTENT_FAMILIES[intent];
      if (family) for (const i of family) legacy.push([i, g]);
      else intentGroups[intent as Intent] = g;
    }
    for (const [i, g] of legacy) intentGroups[i] ??= g;
  }
  return { agents, queues, rules, acceptTimeoutMs, slaMs, intentGroups, escalationBoost: escalationBoost as number };
}

/** The built-in demo roster (stream/routing/demo-roster.json). */
export const DEMO_ROSTER_PATH = join(projectRoot(), 'stream', 'routing', 'demo-roster.json');

/** Reads ROUTING_CONFIG (or the demo roster); a bad file throws CFG_ERR_INVALID naming the field. */
export function loadRoster(path: string | undefined): Roster {
  const file = path ?? DEMO_ROSTER_PATH;
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new OmnilaneError('CFG_ERR_INVALID', `ROUTING_CONFIG: cannot read ${file} as JSON: ${(err as Error).message}`);
  }
  const r = parseRoster(doc);
  if (typeof r === 'string') throw new OmnilaneError('CFG_ERR_INVALID', `ROUTING_CONFIG (${file}): ${r}`);
  return r;
}
