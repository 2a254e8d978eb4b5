import { createHash } from 'node:crypto';
import type { ExperimentDefinition } from './definition.js';

/**
 * A customer's point in [0, 1) for one experiment: the first 52 bits of SHA-256("salt:customer"). The same
 * customer id gives the same point on every channel and in every process; a per-experiment salt makes the
 * points of two experiments independent, so one experiment's treatment group is not the next one's too.
 */
export function assignmentPoint(salt: string, customerId: string): number {
  const h = createHash('sha256').update(`${salt}:${customerId}`).digest();
  // 52 bits fit a double exactly: 20 high bits then 32 low bits.
  return ((h.readUInt32BE(0) >>> 12) * 2 ** 32 + h.readUInt32BE(4)) / 2 ** 52;
}

/** The variant a customer gets: the weights cut [0, 1) into consecutive slices, in the order the variants are listed. */
export function assignVariant(def: Pick<ExperimentDefinition, 'salt' | 'variants'>, customerId: string): ExperimentDefinition['variants'][number] {
  const point = assignmentPoint(def.salt, customerId);
  const total = def.variants.reduce((s, v) => s + v.weight, 0);
  let edge = 0;
  for (const v of def.variants) {
    edge += v.weight / total;
    if (point < edge) return v;
  }
  return def.variants[def.variants.length - 1];
}
