import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { parseTimestamp } from '../../shared/envelope.js';

/** What an experiment varies; each names the config key its variants must carry (the hook reads it). */
export const EXPERIMENT_TARGETS = {
  /** stream/suggest: which reply script (script id) the suggestions lead with. */
  reply_script: 'script',
  /** stream/bot: whether the FAQ bot answers first (boolean). */
  bot: 'enabled',
  /** stream/routing/policies.ts: the routing policy name for the customer's conversations. */
  routing_policy: 'policy',
  /** stream/followup: which follow-up sequence (sequence id) a lead that did not buy gets; null/"none" for none. */
  followup_sequence: 'sequence',
} as const;
export type ExperimentTarget = keyof typeof EXPERIMENT_TARGETS;

/** Outcome metrics, read from the warehouse per exposed customer (sql/queries/experiment_units.sql). */
export const EXPERIMENT_METRICS = {
  inquiry_to_opportunity: { kind: 'proportion', higherIsBetter: true },
  deal_rate: { kind: 'proportion', higherIsBetter: true },
  deal_value: { kind: 'mean', higherIsBetter: true },
  csat: { kind: 'mean', higherIsBetter: true },
  deal_cycle: { kind: 'mean', higherIsBetter: false },
  first_response: { kind: 'mean', higherIsBetter: false },
} as const;
export type ExperimentMetric = keyof typeof EXPERIMENT_METRICS;
export const METRIC_NAMES = Object.keys(EXPERIMENT_METRICS) as ExperimentMetric[];

const ID = '^[a-z0-9][a-z0-9_-]{0,63}$';

export const ExperimentInput = Type.Object(
  {
    id: Type.String({ pattern: ID, description: 'lower-case letters, digits, - and _; at most 64' }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    target: Type.Union(Object.keys(EXPERIMENT_TARGETS).map((t) => Type.Literal(t))),
    /** The first variant is the control. */
    variants: Type.Array(
      Type.Object(
        {
          id: Type.String({ pattern: ID }),
          weight: Type.Number({ exclusiveMinimum: 0, maximum: 1000 }),
          config: Type.Record(Type.String(), Type.Unknown()),
        },
        { additionalProperties: false },
      ),
      { minItems: 2, maxItems: 8 },
    ),
    primary_metric: Type.Union(METRIC_NAMES.map((m) => Type.Literal(m))),
    metrics: Type.Optional(Type.Array(Type.Union(METRIC_NAMES.map((m) => Type.Literal(m))), { minItems: 1, maxItems: 6, uniqueItems: true })),
    /** Assignment salt; the API draws a random one when absent. Never change it while the experiment runs. */
    salt: Type.Optional(Type.String({ minLength: 8, maxLength: 64 })),
    status: Type.Optional(Type.Union([Type.Literal('draft'), Type.Literal('running'), Type.Literal('stopped')])),
    started_at: Type.Optional(Type.String({ minLength: 10, maxLength: 40, description: 'ISO-8601; default now' })),
    alpha: Type.Optional(Type.Number({ minimum: 0.001, maximum: 0.2 })),
    min_days: Type.Optional(Type.Integer({ minimum: 0, maximum: 90 })),
    max_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
  },
  { additionalProperties: false },
);
export type ExperimentInput = Static<typeof ExperimentInput>;

export interface ExperimentDefinition {
  id: string;
  name: string;
  target: ExperimentTarget;
  variants: Array<{ id: string; weight: number; config: Record<string, unknown> }>;
  primary_metric: ExperimentMetric;
  metrics: ExperimentMetric[];
  salt: string;
  status: 'draft' | 'running' | 'stopped';
  /** Epoch ms; outcomes and exposures before it are not read. */
  started_at: number;
  alpha: number;
  /** No ship call before this many days (a weekly cycle by default), whatever the numbers say. */
  min_days: number;
  /** After this many days without a win the call is stop (keep control). */
  max_days: number;
}

export const DEFAULT_ALPHA = 0.05;
export const DEFAULT_MIN_DAYS = 7;
export const DEFAULT_MAX_DAYS = 42;

export type DefinitionResult = { ok: true; definition: ExperimentDefinition } | { ok: false; code: 'EXP_ERR_INVALID'; message: string };

const check = TypeCompiler.Compile(ExperimentInput);

/**
 * Validates an experiment as posted (API body or a definition file) and fills the defaults. Pure: the salt
 * (when absent) and `now` come from the caller. Never throws for bad data.
 */
export function parseExperiment(input: unknown, defaults: { salt: string; now: number }): DefinitionResult {
  const bad = (message: string): DefinitionResult => ({ ok: false, code: 'EXP_ERR_INVALID', message });
  if (!check.Check(input)) {
    const first = check.Errors(input).First();
    return bad(`${first?.path ? first.path.replace(/^\//, '').replace(/\//g, '.') : 'experiment'}: ${first?.message ?? 'invalid'}`);
  }
  const e = input;
  const ids = new Set(e.variants.map((v) => v.id));
  if (ids.size !== e.variants.length) return bad('variants: ids must be unique');
  const key = EXPERIMENT_TARGETS[e.target as ExperimentTarget];
  for (const v of e.variants) {
    if (!(key in v.config)) return bad(`variants.${v.id}.config: a ${e.target} experiment needs config.${key}`);
    const value = v.config[key];
    if (e.target === 'bot' ? typeof value !== 'boolean' : !(typeof value === 'string' || (e.target === 'followup_sequence' && value === null)))
      return bad(`variants.${v.id}.config.${key}: must be ${e.target === 'bot' ? 'true or false' : 'a string'}`);
  }
  const started = e.started_at ? parseTimestamp(e.started_at) : defaults.now;
  if (started === null) return bad(`started_at: ${JSON.stringify(e.started_at)} is not an ISO-8601 time`);
  const metrics = e.metrics ?? METRIC_NAMES;
  const minDays = e.min_days ?? DEFAULT_MIN_DAYS;
  const maxDays = e.max_days ?? DEFAULT_MAX_DAYS;
  if (minDays > maxDays) return bad('min_days must not exceed max_days');
  return {
    ok: true,
    definition: {
      id: e.id,
      name: e.name,
      target: e.target as ExperimentTarget,
      variants: e.variants,
      primary_metric: e.primary_metric,
      metrics: metrics.includes(e.primary_metric) ? metrics : [e.primary_metric, ...metrics],
      salt: e.salt ?? defaults.salt,
      status: e.status ?? 'running',
      started_at: started,
      alpha: e.alpha ?? DEFAULT_ALPHA,
      min_days: minDays,
      max_days: maxDays,
    },
  };
}

/**
 * What may change once an experiment has run: name, status and the decision windows. Variants, weights and
 * the salt decide who gets what; changing them would move customers between arms mid-test.
 */
export function changedAssignment(before: ExperimentDefinition, after: ExperimentDefinition): string | null {
  if (before.salt !== after.salt) return 'salt';
  if (before.target !== after.target) return 'target';
  if (JSON.stringify(before.variants.map((v) => [v.id, v.weight])) !== JSON.stringify(after.variants.map((v) => [v.id, v.weight]))) return 'variants';
  return null;
}
