import { describe, expect, it } from 'vitest';
import type { BoardSnapshot } from '../../api/types.js';
import { translator, type Locale } from '../../i18n/index.js';
import { channelColor, sortChannels } from '../channels.js';
import { sampleBoard } from './fixture.js';
import { buildConversationsOption, buildEventsOption, buildFrtOption, buildMixOption, buildTimeline, isFrtEmpty } from './index.js';

const ctx = (locale: Locale = 'en') => ({ locale, t: translator(locale) });
const at = (iso: string) => Date.parse(iso);
type AnySeries = any;
const seriesOf = (o: { series?: unknown }) => o.series as AnySeries[];

describe('buildTimeline', () => {
  it('fills every minute of the window with zeros and sums per channel', () => {
    const tl = buildTimeline(sampleBoard(), 'events');
    expect(tl.minutes).toEqual(['00:56', '00:57', '00:58', '00:59', '01:00'].map((m) => at(`2026-11-24T${m}:00.000Z`)));
    expect(tl.channels).toEqual(['web', 'wechat', 'fax']);
    expect(tl.values.web).toEqual([0, 5, 0, 15, 0]);
    expect(tl.values.wechat).toEqual([0, 0, 0, 10, 0]);
    expect(tl.values.fax).toEqual([0, 0, 0, 0, 3]);
  });

  it('stretches to include buckets outside the window rather than dropping them', () => {
    const b = sampleBoard();
    b.series.push({ minute: '2026-11-24T00:50:00.000Z', channel: 'web', events: 1, conversations: 0 });
    const tl = buildTimeline(b, 'events');
    expect(tl.minutes[0]).toBe(at('2026-11-24T00:50:00.000Z'));
    expect(tl.minutes).toHaveLength(11);
    expect(tl.values.web[0]).toBe(1);
  });

  it('gives an empty-series grid for an empty board', () => {
    const b: BoardSnapshot = { ...sampleBoard(), series: [], channels: [] };
    const tl = buildTimeline(b, 'events');
    expect(tl.channels).toEqual([]);
    expect(tl.minutes).toHaveLength(5);
  });
});

describe('buildEventsOption', () => {
  it('has one stacked area series per channel with [time, value] points and stable ids and colours', () => {
    const series = seriesOf(buildEventsOption(sampleBoard(), ctx()));
    expect(series.map((s) => s.id)).toEqual(['events:web', 'events:wechat', 'events:fax']);
    for (const s of series) {
      expect(s.type).toBe('line');
      expect(s.stack).toBe('events');
      expect(s.areaStyle).toBeDefined();
      expect(s.data).toHaveLength(5);
    }
    expect(series[0].data[3]).toEqual([at('2026-11-24T00:59:00.000Z'), 15]);
    expect(series[0].color).toBe(channelColor('web'));
    expect(series[2].color).toBe(channelColor('fax'));
  });

  it('translates channel names', () => {
    expect(seriesOf(buildEventsOption(sampleBoard(), ctx('zh-CN'))).map((s) => s.name)).toEqual(['网站', '微信', 'fax']);
    expect(seriesOf(buildEventsOption(sampleBoard(), ctx('en'))).map((s) => s.name)).toEqual(['Web', 'WeChat', 'fax']);
  });

  it('pins the x axis to the window', () => {
    const o = buildEventsOption(sampleBoard(), ctx()) as { xAxis: { type: string; min: number; max: number } };
    expect(o.xAxis.type).toBe('time');
    expect(o.xAxis.min).toBe(at('2026-11-24T00:56:00.000Z'));
    expect(o.xAxis.max).toBe(at('2026-11-24T01:00:00.000Z'));
  });

  it('formats the axis tooltip with the total', () => {
    const o = buildEventsOption(sampleBoard(), ctx()) as { tooltip: { formatter: (p: unknown) => string } };
    const m = at('2026-11-24T00:59:00.000Z');
    const html = o.tooltip.formatter([
      { seriesName: 'Web', marker: '', value: [m, 15] },
      { seriesName: '<b>x</b>', marker: '', value: [m, 1200] },
      { seriesName: 'Fax', marker: '', value: [m, 0] },
    ]);
    expect(html).toContain('1,215');
    expect(html).toContain('&lt;b&gt;x');
    expect(html).not.toContain('Fax');
    expect(html.indexOf('&lt;b&gt;x')).toBeLessThan(html.indexOf('Web'));
  });
});

describe('buildConversationsOption', () => {
  it('stacks bars per channel', () => {
    const series = seriesOf(buildConversationsOption(sampleBoard(), ctx()));
    expect(series.map((s) => [s.id, s.type, s.stack])).toEqual([
      ['conversations:web', 'bar', 'conversations'],
      ['conversations:wechat', 'bar', 'conversations'],
      ['conversations:fax', 'bar', 'conversations'],
    ]);
    expect(series[0].data.map((p: [number, number]) => p[1])).toEqual([0, 1, 0, 2, 0]);
  });
});

describe('buildMixOption', () => {
  it('is one donut with a slice per channel that has events, in display order, coloured per channel', () => {
    const b = sampleBoard();
    b.channels.push({ channel: 'sms', events: 0, conversations: 0, first_response: { count: 0, avg_ms: null, p50_ms: null, p90_ms: null } });
    const [pie] = seriesOf(buildMixOption(b, ctx('zh-CN')));
    expect(pie.type).toBe('pie');
    expect(pie.radius).toEqual(['40%', '62%']);
    expect(pie.data).toEqual([
      { id: 'web', name: '网站', value: 20, itemStyle: { color: channelColor('web') } },
      { id: 'wechat', name: '微信', value: 10, itemStyle: { color: channelColor('wechat') } },
      { id: 'fax', name: 'fax', value: 3, itemStyle: { color: channelColor('fax') } },
    ]);
  });
});

describe('buildFrtOption', () => {
  it('has p50 and p90 bar series over the channels with first responses, first channel on top', () => {
    const o = buildFrtOption(sampleBoard(), ctx('zh-CN')) as { yAxis: { data: string[] }; series: AnySeries[] };
    expect(o.yAxis.data).toEqual(['微信', '网站']);
    expect(o.series.map((s) => [s.id, s.type, s.name])).toEqual([
      ['frt:p50', 'bar', 'P50'],
      ['frt:p90', 'bar', 'P90'],
    ]);
    expect(o.series[0].data).toEqual([18000, 30000]);
    expect(o.series[1].data).toEqual([40000, 90000]);
    expect(o.series[1].label.formatter({ value: 90000 })).toBe('1分30秒');
  });

  it('reports emptiness when nobody has answered yet', () => {
    expect(isFrtEmpty(sampleBoard())).toBe(false);
    const b = sampleBoard();
    b.channels = b.channels.map((c) => ({ ...c, first_response: { count: 0, avg_ms: null, p50_ms: null, p90_ms: null } }));
    expect(isFrtEmpty(b)).toBe(true);
    expect(isFrtEmpty(null)).toBe(true);
  });
});

describe('channels', () => {
  it('keeps known channels in a fixed order and colours stable', () => {
    expect(sortChannels(['zeta', 'voice', 'web', 'alpha', 'wechat'])).toEqual(['web', 'wechat', 'voice', 'alpha', 'zeta']);
    expect(channelColor('web')).toBe('#4e79a7');
    expect(channelColor('telegram')).toBe(channelColor('telegram'));
    expect(channelColor('telegram')).toMatch(/^#[0-9a-f]{6}$/);
  });
});
