import { describe, expect, it } from 'vitest';
import { manualClock } from '../../shared/clock.js';
import type { KpiService } from '../metrics/kpi-service.js';
import { cachedBotPoints } from './kpi-summary.js';

describe('cachedBotPoints', () => {
  it('reuses the kpi_bot answer within the TTL and the same window, asks again after it or for another window', async () => {
    const clock = manualClock(1_000_000);
    let calls = 0;
    const kpis = { window: async () => [{ value: ++calls }] } as unknown as KpiService;
    const points = cachedBotPoints(kpis, clock, 15_000);
    expect(await points(0, 60_000)()).toEqual([{ value: 1 }]);
    clock.advance(14_000);
    expect(await points(0, 60_000)()).toEqual([{ value: 1 }]);
    clock.advance(1_000);
    expect(await points(0, 60_000)()).toEqual([{ value: 2 }]);
    expect(await points(60_000, 120_000)()).toEqual([{ value: 3 }]);
  });
});
