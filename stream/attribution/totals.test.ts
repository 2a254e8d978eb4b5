import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MODEL_NAMES, runModel } from './models.js';
import { arbPaths, close, sum } from './test-helpers.js';

describe('every model', () => {
  it('property: credits sum to total conversions and total value (within 1e-9)', () => {
    fc.assert(
      fc.property(arbPaths({ maxRecords: 40 }), fc.constantFrom(...MODEL_NAMES), fc.integer({ min: 1, max: 4 }), (paths, model, order) => {
        const r = runModel(model, paths, { markov: { order }, halfLife: 1.5 });
        expect(r.model).toBe(model);
        expect(close(sum(r.channels.map((c) => c.conversions)), r.total_conversions)).toBe(true);
        expect(close(sum(r.channels.map((c) => c.value)), r.total_value)).toBe(true);
        expect(r.total_conversions).toBe(sum(paths.map((p) => p.conversions)));
        const names = r.channels.map((c) => c.channel);
        expect(names).toEqual([...new Set(paths.flatMap((p) => p.path))].sort());
      }),
      { numRuns: 300, seed: 21 },
    );
  });
});
