import fc from 'fast-check';
import type { PathRecord } from './types.js';

/** Random path sets over a small alphabet (for property tests). */
export function arbPaths(opts: { channels?: string[]; maxLen?: number; minRecords?: number; maxRecords?: number } = {}) {
  const channels = opts.channels ?? ['a', 'b', 'c', 'd', 'e'];
  return fc
    .array(
      fc.record({
        path: fc.array(fc.constantFrom(...channels), { minLength: 1, maxLength: opts.maxLen ?? 6 }),
        conversions: fc.integer({ min: 0, max: 5 }),
        nulls: fc.integer({ min: 0, max: 5 }),
        unit: fc.integer({ min: 1, max: 100 }),
      }),
      { minLength: opts.minRecords ?? 1, maxLength: opts.maxRecords ?? 25 },
    )
    .map((rs): PathRecord[] => rs.map((r) => ({ path: r.path, conversions: r.conversions, value: r.conversions * r.unit, nulls: r.nulls })));
}

export function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

export function close(a: number, b: number, tol = 1e-9): boolean {
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));
}
