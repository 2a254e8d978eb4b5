import { describe, expect, it } from 'vitest';
import type { MetricSeries } from '../../api/metric-types.js';
import { translator, type Locale } from '../../i18n/index.js';
import { channelColor } from '../channels.js';
import { sampleKpis } from './fixture.js';
import {
  bucketLabel,
  buildFunnelOption,
  buildHeatmapOption,
  buildKpiSeriesOption,
  funnelStages,
  groupOfSeriesId,
  heatCells,
  isFunnelEmpty,
  metricGrid,
} from './index.js';

const ctx = (locale: Locale = 'en') => ({ locale, t: translator(locale) });
const T0 = Date.parse('2026-11-24T01:00:00.000Z'); // 09:00 in Asia/Shanghai
const iso = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
type AnyOpt = any;

function series(over: Partial<MetricSeries> = {}): MetricSeries {
  return {
    kpi: 'agent_load',
    unit: 'ratio',
    granularity: 'minute',
    time_zone: 'Asia/Shanghai',
    group_by: 'agent',
    from: iso(0),
    to: iso(3),
    series: [
      { bucket: iso(1), group: 'bob', value: 0.5 },
      { bucket: iso(0), group: 'amy', value: 1.5 },
      { bucket: iso(2), group: 'amy', value: null },
      { bucket: iso(2), group: 'bob', value: 0.25 },
    ],
    ...over,
  };
}

describe('funnel', () => {
  it('has the three stages with conversions from the stage before', () => {
    expect(funnelStages(sampleKpis()).map((s) => [s.id, s.value, s.fromPrevious])).toEqual([
      ['inquiries', 3, null],
      ['opportunities', 1, 1 / 3],
      ['deals', 1, 1],
    ]);
    expect(funnelStages({ ...sampleKpis(), inquiries: 0, opportunities: 0 })[2].fromPrevious).toBeNull();
  });

  it('draws one unsorted funnel, labelled in the current language', () => {
    const o = buildFunnelOption(sampleKpis(), ctx('zh-CN')) as AnyOpt;
    const [f] = o.series;
    expect(f.type).toBe('funnel');
    expect(f.sort).toBe('none');
    expect(f.max).toBe(3);
    expect(f.data.map((d: AnyOpt) => [d.id, d.name, d.value])).toEqual([
      ['inquiries', '咨询', 3],
      ['opportunities', '商机', 1],
      ['deals', '成交', 1],
    ]);
    expect(f.label.formatter({ data: { id: 'opportunities' } })).toBe('商机 1 · 33.3%');
    expect(buildFunnelOption(sampleKpis(), ctx()).series).toBeDefined();
    expect((buildFunnelOption(sampleKpis(), ctx()) as AnyOpt).series[0].label.formatter({ data: { id: 'deals' } })).toBe('Deals 1 · 100%');
  });

  it('is empty without inquiries', () => {
    expect(isFunnelEmpty(null)).toBe(true);
    expect(isFunnelEmpty({ ...sampleKpis(), inquiries: 0 })).toBe(true);
    expect(isFunnelEmpty(sampleKpis())).toBe(false);
  });
});

describe('metricGrid', () => {
  it('lays points out on sorted buckets × ordered groups, keeping nulls as gaps', () => {
    const g = metricGrid(series());
    expect(g.buckets).toEqual([0, 1, 2].map((m) => T0 + m * 60_000));
    expect(g.groups).toEqual(['amy', 'bob']);
    expect(g.values).toEqual([
      [1.5, null, null],
      [null, 0.5, 0.25],
    ]);
    expect(g.max).toBe(1.5);
  });

  it('orders channels the board way', () => {
    const g = metricGrid(
      series({
        group_by: 'channel',
        series: [
          { bucket: iso(0), group: 'zeta', value: 1 },
          { bucket: iso(0), group: 'wechat', value: 1 },
          { bucket: iso(0), group: 'web', value: 1 },
        ],
      }),
    );
    expect(g.groups).toEqual(['web', 'wechat', 'zeta']);
  });
});

describe('heatmap', () => {
  it('has a cell per value, labels in the KPI time zone and a scale to at least 100 %', () => {
    const o = buildHeatmapOption(series(), ctx()) as AnyOpt;
    expect(o.xAxis.data).toEqual(['09:00', '09:01', '09:02']);
    expect(o.yAxis.data).toEqual(['amy', 'bob']);
    expect(o.series[0].type).toBe('heatmap');
    expect(o.series[0].data).toEqual([
      [0, 0, 1.5],
      [1, 1, 0.5],
      [2, 1, 0.25],
    ]);
    expect(o.visualMap.max).toBe(1.5);
    expect(o.visualMap.formatter(0.5)).toBe('50%');
    expect(o.tooltip.formatter({ value: [1, 1, 0.5] })).toBe('bob · 09:01<br><b>50%</b>');
    const low = buildHeatmapOption(series({ series: [{ bucket: iso(0), group: 'amy', value: 0.2 }] }), ctx()) as AnyOpt;
    expect(low.visualMap.max).toBe(1);
  });

  it('counts cells only where there is a value', () => {
    expect(heatCells(metricGrid(series({ series: [] })))).toEqual([]);
  });

  it('labels day buckets with their date and long minute ranges with date and time', () => {
    const dayStart = Date.parse('2026-11-23T16:00:00.000Z'); // 11-24 00:00 in Shanghai
    expect(bucketLabel(dayStart, 'day', 'Asia/Shanghai')).toBe('11-24');
    expect(bucketLabel(dayStart, 'hour', 'Asia/Shanghai', true)).toBe('11-24 00:00');
    expect(bucketLabel(dayStart, 'hour', 'Not/AZone')).toBe('16:00');
  });
});

describe('KPI time series', () => {
  it('draws one line per group with stable ids, channel colours and gaps for missing values', () => {
    const s = series({
      kpi: 'inquiries',
      unit: 'count',
      group_by: 'channel',
      series: [
        { bucket: iso(0), group: 'wechat', value: 2 },
        { bucket: iso(1), group: 'web', value: 1 },
      ],
    });
    const o = buildKpiSeriesOption(s, ctx('zh-CN')) as AnyOpt;
    expect(o.series.map((l: AnyOpt) => [l.id, l.name, l.color])).toEqual([
      ['kpi:web', '网站', channelColor('web')],
      ['kpi:wechat', '微信', channelColor('wechat')],
    ]);
    expect(o.series[0].data).toEqual([
      [T0, null],
      [T0 + 60_000, 1],
    ]);
    expect(o.series[0].connectNulls).toBe(false);
    expect(o.yAxis.minInterval).toBe(1);
    expect(groupOfSeriesId(o.series[1].id)).toBe('wechat');
    expect(groupOfSeriesId('frt:p50')).toBeNull();
  });

  it('formats the axis by unit and names the ungrouped line', () => {
    const ms = buildKpiSeriesOption(
      series({ kpi: 'first_response', unit: 'ms', group_by: 'none', series: [{ bucket: iso(0), group: null, value: 80_000 }] }),
      ctx('zh-CN'),
    ) as AnyOpt;
    expect(ms.series[0].name).toBe('全部');
    expect(ms.yAxis.axisLabel.formatter(80_000)).toBe('1分20秒');
    const ratio = buildKpiSeriesOption(series(), ctx()) as AnyOpt;
    expect(ratio.yAxis.axisLabel.formatter(0.25)).toBe('25%');
  });

  it('thins long series: no symbols and LTTB sampling', () => {
    const long = Array.from({ length: 500 }, (_, i) => ({ bucket: iso(i), group: 'web', value: i }));
    const o = buildKpiSeriesOption(series({ group_by: 'channel', series: long }), ctx()) as AnyOpt;
    expect(o.series[0].showSymbol).toBe(false);
    expect(o.series[0].sampling).toBe('lttb');
    expect(o.series[0].data).toHaveLength(500);
  });
});
