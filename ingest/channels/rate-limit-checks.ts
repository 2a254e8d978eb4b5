/** Test support for the shared rate limiter: generated call sequences and the window bound they must keep. */
import fc from 'fast-check';
import type { BucketDecision } from './rate-limit.js';

/** Decisions in call order with the time (ms) and source of each take. */
export type TakeLog = Array<{ t: number; source: string; cost: number; d: BucketDecision }>;

/** One generated call: time step (ms), source, cost. */
export interface Call {
  dt: number;
  source: 'a' | 'b';
  cost: number;
}
export const limitArb: fc.Arbitrary<{ rate: number; burst: number; calls: Call[] }> = fc.record({
  rate: fc.constantFrom(0.5, 1, 2.5, 7, 50, 1000),
  burst: fc.integer({ min: 1, max: 12 }),
  calls: fc.array(
    fc.record({
      dt: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 5000 })),
      source: fc.constantFrom('a' as const, 'b' as const),
      cost: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 4 })),
    }),
    { minLength: 1, maxLength: 120 },
  ),
});

/**
 * Checks that in every window of calls [i, j] of one source the allowed cost is
 * at most burst + rate·(t_j − t_i)/1000.
 */
export function checkWindows(rate: number, burst: number, log: TakeLog): void {
  for (const source of ['a', 'b']) {
    const mine = log.filter((e) => e.source === source);
    for (let i = 0; i < mine.length; i++) {
      let sum = 0;
      for (let j = i; j < mine.length; j++) {
        if (mine[j].d.allowed) sum += mine[j].cost;
        const bound = burst + (rate * (mine[j].t - mine[i].t)) / 1000;
        if (sum > bound + 1e-9) throw new Error(`${source}: ${sum} allowed in [${mine[i].t}, ${mine[j].t}] > ${bound}`);
      }
    }
  }
}
