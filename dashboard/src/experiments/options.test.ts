import { describe, expect, it } from 'vitest';
import { translator } from '../i18n/index.js';
import { experimentIdFromHash, routeFromHash } from '../app/url.js';
import { buildLiftOption, callBadge } from './options.js';
import type { ExperimentReport } from './types.js';

const ctx = { locale: 'en' as const, t: translator('en') };
const report = (timeline: ExperimentReport['timeline']): ExperimentReport =>
  ({
    experiment: {
      id: 'e',
      name: 'e',
      target: 'bot',
      variants: [
        { id: 'off', weight: 1, config: {} },
        { id: 'on', weight: 1, config: {} },
      ],
      primary_metric: 'deal_rate',
      metrics: ['deal_rate'],
      status: 'running',
      started_at: '2026-11-01T00:00:00.000Z',
      alpha: 0.05,
      min_days: 7,
      max_days: 42,
    },
    timeline,
  }) as unknown as ExperimentReport;

describe('experiment chart options and routes', () => {
  it('draws the lift line and a band of the interval width stacked on the lower bound; none while unbounded', () => {
    const o = buildLiftOption(
      report([
        { at: '2026-11-02T00:00:00.000Z', metric: 'deal_rate', variant: 'on', lift: 0.1, lower: null, upper: null },
        { at: '2026-11-03T00:00:00.000Z', metric: 'deal_rate', variant: 'on', lift: 0.2, lower: -0.05, upper: 0.45 },
      ]),
      'deal_rate',
      ctx,
    )!;
    const byId = Object.fromEntries((o.series as Array<{ id: string; data: Array<[number, number | null]> }>).map((s) => [s.id, s.data]));
    const t2 = Date.parse('2026-11-03T00:00:00.000Z');
    expect(byId['lift-on']).toEqual([
      [Date.parse('2026-11-02T00:00:00.000Z'), 10],
      [t2, 20],
    ]);
    expect(byId['band-base-on'][1]).toEqual([t2, -5]);
    expect(byId['band-on'][1]).toEqual([t2, 50]);
    expect(byId['band-on'][0][1]).toBeNull();
    expect(byId.zero.map((d) => d[1])).toEqual([0, 0]);
    expect(buildLiftOption(report([]), 'deal_rate', ctx)).toBeNull();
  });

  it('maps calls to badges and reads #/experiments/ID', () => {
    expect(callBadge({ call: 'ship', variant: 'on', reasons: [] })).toMatchObject({ tone: 'good', key: 'exp.call.ship' });
    expect(callBadge({ call: 'stop', variant: 'off', reasons: [] })).toMatchObject({ tone: 'bad', key: 'exp.call.stopKeep' });
    expect(callBadge({ call: 'keep_running', variant: null, reasons: [] }).tone).toBe('neutral');
    expect([routeFromHash('#/experiments'), experimentIdFromHash('#/experiments')]).toEqual(['experiments', null]);
    expect([routeFromHash('#/experiments/bot-a&key=x'), experimentIdFromHash('#/experiments/bot-a&key=x')]).toEqual(['experiments', 'bot-a']);
    expect(experimentIdFromHash('#/attribution')).toBeNull();
  });
});
