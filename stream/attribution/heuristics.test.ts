import { describe, expect, it } from 'vitest';
import { firstTouchAttribution, lastTouchAttribution, linearAttribution, positionBasedAttribution, timeDecayAttribution } from './heuristics.js';
import { timeDecayTimedAttribution } from './time-decay-timed.js';
import { aggregatePaths } from './encode.js';
import type { AttributionResult, PathRecord } from './types.js';

const credit = (r: AttributionResult) => Object.fromEntries(r.channels.map((c) => [c.channel, c.conversions]));
const p = (path: string, conversions: number, value = conversions * 10, nulls = 0): PathRecord => ({
  path: path.split('>'),
  conversions,
  value,
  nulls,
});

describe('heuristic models', () => {
  const paths = [p('a>b>c>d', 10), p('b', 2), p('c>a', 4, 40, 6)];

  it('first and last touch', () => {
    expect(credit(firstTouchAttribution(paths))).toEqual({ a: 10, b: 2, c: 4, d: 0 });
    expect(credit(lastTouchAttribution(paths))).toEqual({ a: 4, b: 2, c: 0, d: 10 });
  });

  it('linear splits per touch (repeats count twice)', () => {
    expect(credit(linearAttribution(paths))).toEqual({ a: 4.5, b: 4.5, c: 4.5, d: 2.5 });
    expect(credit(linearAttribution([p('a>b>a', 3)]))).toEqual({ a: 2, b: 1 });
  });

  it('position based: 100 % / 50-50 / 40-20-40', () => {
    const r = credit(positionBasedAttribution(paths));
    expect(r.a).toBeCloseTo(4 + 2, 12);
    expect(r.b).toBeCloseTo(1 + 2, 12);
    expect(r.c).toBeCloseTo(1 + 2, 12);
    expect(r.d).toBeCloseTo(4, 12);
  });

  it('time decay by position: weight 2^(−d/h), d touches before the conversion', () => {
    const r = credit(timeDecayAttribution([p('a>b>c', 7)], { halfLife: 1 }));
    expect(r.a).toBeCloseTo(1, 12);
    expect(r.b).toBeCloseTo(2, 12);
    expect(r.c).toBeCloseTo(4, 12);
    const slow = credit(timeDecayAttribution([p('a>b', 2)], { halfLife: 1e12 }));
    expect(slow.a).toBeCloseTo(1, 9);
    expect(() => timeDecayAttribution(paths, { halfLife: 0 })).toThrow(RangeError);
  });

  it('time decay with timestamps', () => {
    const r = timeDecayTimedAttribution([{ path: ['a', 'b'], times: [0, 7], conversionTime: 7, conversions: 3, value: 30, nulls: 0 }], 7);
    expect(credit(r)).toEqual({ a: 1, b: 2 });
    expect(r.channels.map((c) => c.value)).toEqual([10, 20]);
  });

  it('value is split like conversions and base rate counts nulls', () => {
    const r = firstTouchAttribution(paths);
    expect(r.total_value).toBe(100 + 20 + 40);
    expect(r.base_conversion_rate).toBeCloseTo(16 / 22, 12);
    expect(r.channels.find((c) => c.channel === 'c')!.value).toBe(40);
  });
});

describe('aggregatePaths', () => {
  it('merges identical paths and keeps first-seen order', () => {
    expect(aggregatePaths([p('a>b', 1, 5, 2), p('b', 1), p('a>b', 2, 7, 1)])).toEqual([
      { path: ['a', 'b'], conversions: 3, value: 12, nulls: 3 },
      { path: ['b'], conversions: 1, value: 10, nulls: 0 },
    ]);
  });

  it('rejects empty paths and negative counts', () => {
    expect(() => aggregatePaths([{ path: [], conversions: 1, value: 0, nulls: 0 }])).toThrow(/ATTR_ERR_BAD_INPUT/);
    expect(() => aggregatePaths([p('a', -1)])).toThrow(/ATTR_ERR_BAD_INPUT/);
  });
});
