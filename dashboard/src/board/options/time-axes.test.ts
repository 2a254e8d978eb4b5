import { describe, expect, it } from 'vitest';
import type { MetricSeries } from '../../api/metric-types.js';
import { translator, type Locale } from '../../i18n/index.js';
import { sampleBoard } from './fixture.js';
import { buildConversationsOption, buildEventsOption, buildHeatmapOption, buildKpiSeriesOption } from './index.js';

type AnyOpt = any;
const ctx = (locale: Locale = 'en') => ({ locale, t: translator(locale) });
// 2026-11-24 06:01 UTC: 14:01 in Shanghai, 01:01 in New York, 06:01 in London
const AT = Date.parse('2026-11-24T06:01:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

function metric(zone: string, over: Partial<MetricSeries> = {}): MetricSeries {
  return {
    kpi: 'agent_load',
    unit: 'ratio',
    granularity: 'minute',
    time_zone: zone,
    group_by: 'agent',
    from: iso(AT - 60_000),
    to: iso(AT + 120_000),
    series: [-1, 0, 1].map((m) => ({ bucket: iso(AT + m * 60_000), group: 'amy', value: 0.5 })),
    ...over,
  };
}

function boardIn(zone: string) {
  const b = sampleBoard();
  b.time_zone = zone;
  b.generated_at = iso(AT + 30_000);
  b.series = [{ minute: iso(AT), channel: 'web', events: 3, conversations: 1 }];
  return b;
}

/** What every chart writes for the instant AT: heatmap category, and each time axis's label formatter. */
function labelsOf(zone: string, locale: Locale = 'en') {
  const heat = buildHeatmapOption(metric(zone), ctx(locale)) as AnyOpt;
  const series = buildKpiSeriesOption(
    metric(zone, {
      kpi: 'inquiries',
      unit: 'count',
      group_by: 'channel',
      series: [
        { bucket: iso(AT), group: 'web', value: 1 },
        { bucket: iso(AT + 60_000), group: 'web', value: 2 },
      ],
    }),
    ctx(locale),
  ) as AnyOpt;
  const events = buildEventsOption(boardIn(zone), ctx(locale)) as AnyOpt;
  const convs = buildConversationsOption(boardIn(zone), ctx(locale)) as AnyOpt;
  return {
    heat,
    axes: [series, events, convs],
    labels: {
      heatmap: heat.xAxis.data[1],
      kpiSeries: series.xAxis.axisLabel.formatter(AT),
      events: events.xAxis.axisLabel.formatter(AT),
      conversations: convs.xAxis.axisLabel.formatter(AT),
    },
  };
}

describe('one time rule for every board time axis', () => {
  it.each([
    ['Asia/Shanghai', '14:01'],
    ['America/New_York', '01:01'],
    ['Europe/London', '06:01'],
  ])('the heatmap and every series axis write the same instant alike in %s', (zone, expected) => {
    const { labels } = labelsOf(zone);
    expect(labels).toEqual({ heatmap: expected, kpiSeries: expected, events: expected, conversations: expected });
  });

  it('labels every time axis with its zone, in both languages', () => {
    const en = labelsOf('Asia/Shanghai', 'en');
    const zh = labelsOf('Asia/Shanghai', 'zh-CN');
    for (const o of [en.heat, ...en.axes]) expect(o.xAxis.name).toBe('Time (Asia/Shanghai)');
    for (const o of [zh.heat, ...zh.axes]) expect(o.xAxis.name).toBe('时间 (Asia/Shanghai)');
  });

  it('keeps real instants on time axes (clicks and drills are unchanged) and formats tooltips in the zone', () => {
    const { axes } = labelsOf('America/New_York');
    expect(axes[0].series[0].data[0][0]).toBe(AT);
    const head = axes[0].tooltip.formatter([{ seriesName: 'Web', marker: '', value: [AT, 1] }]);
    expect(head).toContain('11-24 01:01');
    const minute = axes[1].tooltip.formatter([{ seriesName: 'Web', marker: '', value: [AT, 3] }]);
    expect(minute).toContain('>01:01<');
  });

  it('adds the date once a range spans days, on the heatmap and the series alike', () => {
    const long = metric('Asia/Shanghai', {
      series: [
        { bucket: iso(AT - 86_400_000), group: 'amy', value: 1 },
        { bucket: iso(AT), group: 'amy', value: 1 },
      ],
    });
    const heat = buildHeatmapOption(long, ctx()) as AnyOpt;
    const line = buildKpiSeriesOption({ ...long, kpi: 'inquiries', unit: 'count', group_by: 'none' }, ctx()) as AnyOpt;
    expect(heat.xAxis.data[1]).toBe('11-24 14:01');
    expect(line.xAxis.axisLabel.formatter(AT)).toBe('11-24 14:01');
  });

  it('falls back to the server default zone for a board snapshot that names none', () => {
    const b = boardIn('Asia/Shanghai');
    delete b.time_zone;
    const o = buildEventsOption(b, ctx()) as AnyOpt;
    expect(o.xAxis.axisLabel.formatter(AT)).toBe('14:01');
  });
});

describe('time axis ticks', () => {
  it('never tick inside a bucket, so labels do not repeat', () => {
    const o = (g: 'minute' | 'hour' | 'day') =>
      buildKpiSeriesOption(metric('Asia/Shanghai', { granularity: g, kpi: 'inquiries', unit: 'count' }), ctx()) as AnyOpt;
    expect([o('minute').xAxis.minInterval, o('hour').xAxis.minInterval, o('day').xAxis.minInterval]).toEqual([60_000, 3_600_000, 86_400_000]);
  });
});
