import { armFromSums, type ArmSummary } from './stats/confidence-sequence.js';
import type { ExperimentMetric } from './definition.js';

/**
 * One exposed customer and what followed the exposure (sql/queries/experiment_units.sql). Times are epoch ms;
 * null: it has not happened (yet). Each outcome is the first of its kind at or after the exposure.
 */
export interface ExperimentUnit {
  customer_key: string;
  variant: string;
  exposed_at: number;
  opportunity_at: number | null;
  deal_at: number | null;
  deal_value: number;
  csat_at: number | null;
  csat_score: number | null;
  /** The customer's first message after the exposure, and the first reply to it. */
  asked_at: number | null;
  replied_at: number | null;
}

/**
 * A unit's value for a metric as known at `asOf`, or null when the unit does not count for it yet.
 * Rates count every exposed customer (0 until the outcome happens); deal value counts 0 without a deal;
 * CSAT, deal cycle and first response count only customers who have one.
 */
export function unitValue(u: ExperimentUnit, metric: ExperimentMetric, asOf: number): number | null {
  if (u.exposed_at >= asOf) return null;
  const by = (t: number | null) => t !== null && t < asOf;
  switch (metric) {
    case 'inquiry_to_opportunity':
      return by(u.opportunity_at) ? 1 : 0;
    case 'deal_rate':
      return by(u.deal_at) ? 1 : 0;
    case 'deal_value':
      return by(u.deal_at) ? u.deal_value : 0;
    case 'csat':
      return by(u.csat_at) && u.csat_score !== null ? u.csat_score : null;
    case 'deal_cycle':
      // Exposure → deal, in hours (the unit the report shows).
      return by(u.deal_at) ? (u.deal_at! - u.exposed_at) / 3_600_000 : null;
    case 'first_response':
      // Seconds from the customer's first message after exposure to the reply.
      return by(u.replied_at) && u.asked_at !== null ? (u.replied_at! - u.asked_at) / 1000 : null;
  }
}

/** Per-variant summaries of one metric at `asOf`, plus the success count (rates) for the Beta-Binomial verdict. */
export function summarise(
  units: readonly ExperimentUnit[],
  metric: ExperimentMetric,
  asOf: number,
  variants: readonly string[],
): Map<string, ArmSummary & { successes: number }> {
  const sums = new Map(variants.map((v) => [v, { n: 0, s: 0, ss: 0 }]));
  for (const u of units) {
    const acc = sums.get(u.variant);
    if (!acc) continue;
    const x = unitValue(u, metric, asOf);
    if (x === null) continue;
    acc.n++;
    acc.s += x;
    acc.ss += x * x;
  }
  return new Map([...sums].map(([v, a]) => [v, { ...armFromSums(a.n, a.s, a.ss), successes: a.s }]));
}
