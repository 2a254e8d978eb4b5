import { EXPERIMENT_METRICS, type ExperimentDefinition, type ExperimentMetric } from './definition.js';
import { summarise, type ExperimentUnit } from './outcomes.js';
import { betaBinomialVerdict, normalVerdict } from './stats/bayes.js';
import { differenceSequence } from './stats/confidence-sequence.js';
import { holmAdjust } from './stats/multiple.js';
import { sampleRatioCheck, type SrmCheck } from './stats/srm.js';

const DAY = 86_400_000;
/** The ship call also needs this Bayesian certainty that the treatment beats control on the primary metric. */
export const SHIP_PROBABILITY = 0.95;
/** Daily looks drawn in the lift-over-time chart (the newest ones when an experiment ran longer). */
export const MAX_TIMELINE_POINTS = 120;

export interface Comparison {
  variant: string;
  /** treatment − control, in the metric's unit. */
  difference: number;
  /** The always-valid interval of the difference; null: unbounded (fewer than 2 units in an arm). */
  lower: number | null;
  upper: number | null;
  /** Relative lift (difference / control mean) and its interval scaled the same way; null when the control mean is 0. */
  lift: number | null;
  lift_lower: number | null;
  lift_upper: number | null;
  p_value: number;
  /** Holm-adjusted over every metric × treatment of the experiment. */
  adjusted_p: number;
  probability_to_beat: number;
  expected_loss: number;
  /** better / worse: significant after Holm at α, in the metric's direction; none otherwise. */
  verdict: 'better' | 'worse' | 'none';
}

export interface MetricResult {
  metric: ExperimentMetric;
  kind: 'proportion' | 'mean';
  higher_is_better: boolean;
  primary: boolean;
  arms: Array<{ variant: string; n: number; mean: number }>;
  comparisons: Comparison[];
}

export interface TimelinePoint {
  at: number;
  metric: ExperimentMetric;
  variant: string;
  lift: number | null;
  lower: number | null;
  upper: number | null;
}

export type Call = 'ship' | 'keep_running' | 'stop';

export interface ExperimentReport {
  experiment: ExperimentDefinition;
  as_of: number;
  days_running: number;
  units: Array<{ variant: string; n: number; expected_share: number }>;
  srm: SrmCheck;
  metrics: MetricResult[];
  timeline: TimelinePoint[];
  decision: { call: Call; variant: string | null; reasons: string[] };
}

interface Look {
  metrics: MetricResult[];
}

function compareAt(def: ExperimentDefinition, units: readonly ExperimentUnit[], asOf: number): Look {
  const ids = def.variants.map((v) => v.id);
  const control = ids[0];
  const raw: Array<{ metric: MetricResult; comparisons: Array<Omit<Comparison, 'adjusted_p' | 'verdict'>> }> = def.metrics.map((metric) => {
    const spec = EXPERIMENT_METRICS[metric];
    const arms = summarise(units, metric, asOf, ids);
    const c = arms.get(control)!;
    const comparisons = ids.slice(1).map((variant) => {
      const t = arms.get(variant)!;
      const cs = differenceSequence(c, t, { alpha: def.alpha, tuningN: 5000 });
      const bayes =
        spec.kind === 'proportion'
          ? betaBinomialVerdict({ successes: c.successes, n: c.n }, { successes: t.successes, n: t.n }, spec.higherIsBetter)
          : c.n > 1 && t.n > 1
            ? normalVerdict(cs.estimate, c.variance / c.n + t.variance / t.n, spec.higherIsBetter)
            : { probabilityToBeat: 0.5, expectedLoss: 0 };
      const finite = (x: number) => (Number.isFinite(x) ? x : null);
      const scale = c.mean !== 0 && c.n > 0 ? Math.abs(c.mean) : null;
      const rel = (x: number) => (scale === null || !Number.isFinite(x) ? null : x / scale);
      return {
        variant,
        difference: cs.estimate,
        lower: finite(cs.lower),
        upper: finite(cs.upper),
        lift: rel(cs.estimate),
        lift_lower: rel(cs.lower),
        lift_upper: rel(cs.upper),
        p_value: cs.pValue,
        probability_to_beat: bayes.probabilityToBeat,
        expected_loss: bayes.expectedLoss,
      };
    });
    return {
      metric: {
        metric,
        kind: spec.kind,
        higher_is_better: spec.higherIsBetter,
        primary: metric === def.primary_metric,
        arms: ids.map((v) => ({ variant: v, n: arms.get(v)!.n, mean: arms.get(v)!.mean })),
        comparisons: [],
      },
      comparisons,
    };
  });
  const adjusted = holmAdjust(raw.flatMap((r) => r.comparisons.map((c) => c.p_value)));
  let k = 0;
  for (const r of raw) {
    r.metric.comparisons = r.comparisons.map((c) => {
      const adj = adjusted[k++];
      const good = r.metric.higher_is_better ? c.difference > 0 : c.difference < 0;
      return { ...c, adjusted_p: adj, verdict: adj <= def.alpha ? (good ? 'better' : 'worse') : 'none' };
    });
  }
  return { metrics: raw.map((r) => r.metric) };
}

/**
 * The decision rule (docs/experiments.md, "Decision"), in order:
 * 1. a sample-ratio mismatch → stop: the split is broken, no number is trusted;
 * 2. a treatment significantly worse on any metric (Holm, always-valid) → it is out; all out → stop;
 * 3. after min_days, a treatment significantly better on the primary metric, with P(beat) ≥ 0.95, and worse on none → ship (the best such);
 * 4. past max_days → stop (no detectable effect: keep control);
 * 5. otherwise keep running.
 */
export function decide(def: ExperimentDefinition, srm: SrmCheck, metrics: readonly MetricResult[], daysRunning: number): ExperimentReport['decision'] {
  if (srm.mismatch)
    return {
      call: 'stop',
      variant: null,
      reasons: [`sample ratio mismatch (χ² p = ${srm.pValue.toExponential(2)} < 0.001): check assignment and exposure logging`],
    };
  const treatments = def.variants.slice(1).map((v) => v.id);
  const reasons: string[] = [];
  const harmed = new Set<string>();
  for (const m of metrics)
    for (const c of m.comparisons)
      if (c.verdict === 'worse') {
        harmed.add(c.variant);
        reasons.push(`${c.variant} is significantly worse on ${m.metric} (adjusted p = ${c.adjusted_p.toPrecision(2)})`);
      }
  if (harmed.size === treatments.length)
    return { call: 'stop', variant: def.variants[0].id, reasons: [...reasons, 'every treatment harms a metric: keep control'] };
  const primary = metrics.find((m) => m.primary)!;
  const winners = primary.comparisons.filter((c) => c.verdict === 'better' && c.probability_to_beat >= SHIP_PROBABILITY && !harmed.has(c.variant));
  if (winners.length > 0) {
    const best = winners.sort((a, b) => (primary.higher_is_better ? b.difference - a.difference : a.difference - b.difference))[0];
    if (daysRunning >= def.min_days)
      return {
        call: 'ship',
        variant: best.variant,
        reasons: [
          ...reasons,
          `${best.variant} is significantly better on ${primary.metric} (adjusted p = ${best.adjusted_p.toPrecision(2)}, P(beat) = ${best.probability_to_beat.toFixed(3)})`,
        ],
      };
    reasons.push(`${best.variant} leads on ${primary.metric}, but the minimum of ${def.min_days} days is not reached (${daysRunning.toFixed(1)})`);
  }
  if (daysRunning >= def.max_days)
    return {
      call: 'stop',
      variant: def.variants[0].id,
      reasons: [...reasons, `no significant win on ${primary.metric} after ${def.max_days} days: keep control`],
    };
  return { call: 'keep_running', variant: null, reasons: reasons.length ? reasons : [`no significant difference on ${primary.metric} yet`] };
}

/** The whole report at `asOf`: units and SRM, metrics with intervals, the daily timeline and the call. Pure. */
export function experimentReport(def: ExperimentDefinition, units: readonly ExperimentUnit[], asOf: number): ExperimentReport {
  const ids = def.variants.map((v) => v.id);
  const counts = ids.map((v) => units.filter((u) => u.variant === v && u.exposed_at < asOf).length);
  const srm = sampleRatioCheck(
    counts,
    def.variants.map((v) => v.weight),
  );
  const wsum = def.variants.reduce((s, v) => s + v.weight, 0);
  const now = compareAt(def, units, asOf);
  const daysRunning = Math.max(0, (asOf - def.started_at) / DAY);
  const timeline: TimelinePoint[] = [];
  const firstLook = Math.floor(def.started_at / DAY) * DAY + DAY;
  const looks: number[] = [];
  for (let t = firstLook; t < asOf; t += DAY) looks.push(t);
  looks.push(asOf);
  for (const at of looks.slice(-MAX_TIMELINE_POINTS)) {
    const look = at === asOf ? now : compareAt(def, units, at);
    for (const m of look.metrics)
      for (const c of m.comparisons) timeline.push({ at, metric: m.metric, variant: c.variant, lift: c.lift, lower: c.lift_lower, upper: c.lift_upper });
  }
  return {
    experiment: def,
    as_of: asOf,
    days_running: daysRunning,
    units: ids.map((v, i) => ({ variant: v, n: counts[i], expected_share: def.variants[i].weight / wsum })),
    srm,
    metrics: now.metrics,
    timeline,
    decision: decide(def, srm, now.metrics, daysRunning),
  };
}
