import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  const opts = { baseMs: 1000, maxMs: 30_000 };

  it('grows exponentially and is capped', () => {
    const top = (a: number) => backoffDelay(a, () => 0.999999, opts);
    expect([1, 2, 3, 4, 5, 6].map(top)).toEqual([1000, 2000, 4000, 8000, 16000, 30000]);
    expect(top(100)).toBe(30000);
  });

  it('jitters between half and the whole step', () => {
    expect(backoffDelay(3, () => 0, opts)).toBe(2000);
    expect(backoffDelay(3, () => 0.5, opts)).toBe(3000);
    for (let i = 0; i < 50; i++) {
      const d = backoffDelay(4, Math.random, opts);
      expect(d).toBeGreaterThanOrEqual(4000);
      expect(d).toBeLessThanOrEqual(8000);
    }
  });

  it('treats attempt below 1 as the first', () => {
    expect(backoffDelay(0, () => 0, opts)).toBe(500);
  });
});
