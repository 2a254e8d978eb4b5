import { describe, expect, it } from 'vitest';
import { routeFromHash } from '../app/url.js';
import { extractKeyFromHash } from '../auth/session.js';
import { channelColor } from '../board/channels.js';
import { translator, type Locale } from '../i18n/index.js';
import {
  attributionTableRows,
  buildFunnelOption,
  buildMarkovGraphOption,
  buildModelsOption,
  categoryLabels,
  funnelTableRows,
  MODEL_COLORS,
  stateLabel,
  touchLabel,
} from './options.js';
import { GRAPH_BOX, layoutMarkov, TOP_K_PER_STATE } from './markov-layout.js';
import type { AttributionData, FunnelData, TransitionsData } from './types.js';

const ctx = (locale: Locale = 'en') => ({ locale, t: translator(locale) });
type AnySeries = any;
const seriesOf = (o: { series?: unknown }) => o.series as AnySeries[];

const run = {
  run_id: 'r1',
  run_at: '2026-11-24T12:00:00.000Z',
  window_from: '2026-10-25T12:00:00.000Z',
  window_to: '2026-11-24T12:00:00.000Z',
  journeys: 3,
  total_conversions: 3,
  total_value: 600,
};
const data: AttributionData = {
  channels: ['ad', 'web_chat'],
  job: { running: false, last_run_at: null },
  models: [
    {
      ...run,
      model: 'first',
      order: null,
      channels: [
        { channel: 'ad', removal_effect: null, conversions: 3, value: 600, conversions_ci: [3, 3], value_ci: [350, 850] },
        { channel: 'web_chat', removal_effect: null, conversions: 0, value: 0, conversions_ci: null, value_ci: null },
      ],
    },
    {
      ...run,
      model: 'markov',
      order: 1,
      channels: [
        { channel: 'ad', removal_effect: 1, conversions: 2, value: 400, conversions_ci: [1.5, 2.5], value_ci: [300, 500] },
        // a channel missing from one model reads as 0 in the chart
      ],
    },
  ],
};

const transitions: TransitionsData = {
  run_id: 'r1',
  run_at: '2026-11-24T00:00:00.000Z',
  window_from: '2026-10-25T00:00:00.000Z',
  window_to: '2026-11-24T00:00:00.000Z',
  order: 1,
  transitions: [
    { from: '(start)', to: 'ad', probability: 1 },
    { from: 'ad', to: 'web_chat', probability: 0.375 },
    { from: 'ad', to: '(conversion)', probability: 0.375 },
    { from: 'ad', to: 'ad', probability: 0.25 },
    { from: 'web_chat', to: '(null)', probability: 1 },
  ],
};

const group = (key: string, i: number, o: number, d: number) => ({
  key,
  inquiries: i,
  opportunities: o,
  deals: d,
  deal_value: d * 100,
  opportunity_rate: i ? o / i : 0,
  deal_rate: o ? d / o : 0,
  overall_rate: i ? d / i : 0,
  avg_inquiry_to_opportunity_ms: o ? 60_000 : null,
  avg_opportunity_to_deal_ms: d ? 60_000 : null,
  avg_inquiry_to_deal_ms: d ? 120_000 : null,
});
const funnel: FunnelData = {
  from: '2026-10-25T12:00:00.000Z',
  to: '2026-11-24T12:00:00.000Z',
  by: 'channel',
  window_hours: 168,
  steps: ['inquiry', 'opportunity', 'deal'],
  groups: [group('wechat', 1, 0, 0), group('web', 3, 3, 2), group('', 1, 1, 0)],
  total: group('', 5, 4, 2),
};

describe('labels', () => {
  it('names touchpoints, states and models in both languages', () => {
    const en = ctx('en').t;
    const zh = ctx('zh-CN').t;
    expect(touchLabel('web_chat', en)).toBe('Web chat');
    expect(touchLabel('web_chat', zh)).toBe('网站咨询');
    expect(touchLabel('phone_follow_up', zh)).toBe('电话回访');
    expect(touchLabel('ad', zh)).toBe('广告');
    expect(touchLabel('fax', en)).toBe('fax');
    expect(stateLabel('(start)', zh)).toBe('开始');
    expect(stateLabel('ad,web_chat', en)).toBe('Ads › Web chat');
  });
});

describe('buildModelsOption', () => {
  it('puts the models side by side per channel in display order, conversions or value', () => {
    const o = buildModelsOption(data, 'conversions', ctx());
    expect((o.xAxis as { data: string[] }).data).toEqual(['Ads', 'Web chat']);
    const s = seriesOf(o);
    expect(s.map((x) => x.id)).toEqual(['model:markov:1', 'model:first:0']);
    expect(s.map((x) => x.name)).toEqual(['Markov chain', 'First touch']);
    expect(s[0].data).toEqual([2, 0]);
    expect(s[1].data).toEqual([3, 0]);
    expect(s[0].color).toBe(MODEL_COLORS.markov);
    expect(seriesOf(buildModelsOption(data, 'value', ctx()))[0].data).toEqual([400, 0]);
    expect(seriesOf(buildModelsOption(data, 'value', ctx('zh-CN')))[1].name).toBe('首次触点');
  });
});

describe('attributionTableRows', () => {
  it('lists every model and channel with removal effects and intervals where present', () => {
    const rows = attributionTableRows(data, ctx());
    expect(rows.map((r) => [r.model, r.channel])).toEqual([
      ['markov', 'ad'],
      ['first', 'ad'],
      ['first', 'web_chat'],
    ]);
    expect(rows[0].text).toEqual({ removal: '100%', conversions: '2', conversionsCi: '1.5 – 2.5', value: '400', valueCi: '300 – 500' });
    expect(rows[1].text.removal).toBe('—');
    expect(rows[2].text.conversionsCi).toBe('—');
    expect(rows[0].removal_effect).toBe(1);
  });
});

describe('buildMarkovGraphOption', () => {
  it('draws every state once, layered from (start) to the outcomes, edges weighted by probability', () => {
    const s = seriesOf(buildMarkovGraphOption(transitions, ctx()))[0];
    expect(s.type).toBe('graph');
    const nodes = s.data.filter((n: { id: string }) => !n.id.startsWith('(corner'));
    expect(nodes.map((n: { id: string }) => n.id)).toEqual(['(start)', 'ad', 'web_chat', '(conversion)', '(null)']);
    expect(nodes.map((n: { name: string }) => n.name)).toEqual(['Start', 'Ads', 'Web chat', 'Conversion', 'No conversion']);
    const x = Object.fromEntries(nodes.map((n: { id: string; x: number }) => [n.id, n.x]));
    // ad is visited at step 1, web chat usually at step 2: three layers between start and the outcomes
    expect(x['(start)']).toBeLessThan(x.ad);
    expect(x.ad).toBeLessThan(x.web_chat);
    expect(x.web_chat).toBeLessThan(x['(conversion)']);
    expect(x['(conversion)']).toBe(x['(null)']);
    expect(s.links).toHaveLength(5);
    const link = s.links.find((l: { source: number; target: number }) => l.source === 1 && l.target === 3);
    expect(link.value).toBe(0.375);
    const widths = s.links.map((l: { value: number; lineStyle: { width: number } }) => [l.value, l.lineStyle.width]);
    for (const [p1, w1] of widths) for (const [p2, w2] of widths) if (p1 > p2) expect(w1).toBeGreaterThan(w2);
    // the self-loop ad → ad runs backward: curved
    expect(s.links.find((l: { source: number; target: number }) => l.source === 1 && l.target === 1).lineStyle.curveness).toBeGreaterThan(0.2);
    expect(s.edgeLabel.formatter({ value: 0.375 })).toBe('37.5%');
  });

  it('is empty without transitions', () => {
    const s = seriesOf(buildMarkovGraphOption({ run_id: null, run_at: null, window_from: null, window_to: null, order: 1, transitions: [] }, ctx()))[0];
    expect(s.data).toEqual([]);
    expect(s.links).toEqual([]);
  });
});

/** A busy order-1 chain like the demo's: 9 channels, every one reachable from every other. */
function busyChain(): TransitionsData {
  const channels = ['ad', 'social', 'web', 'email', 'web_chat', 'wechat_chat', 'app_chat', 'sms_chat', 'phone_follow_up'];
  const first = [0.35, 0.25, 0.25, 0.15];
  const tr: TransitionsData['transitions'] = channels.slice(0, 4).map((c, i) => ({ from: '(start)', to: c, probability: first[i] }));
  channels.forEach((from, i) => {
    const late = i >= 4;
    const raw = channels.map((to, j) => (to === from ? 0.01 : j >= 4 !== late ? 0.2 / (j + 1) : 0.03));
    const conv = late ? 0.3 : 0.02;
    const nul = late ? 0.4 : 0.1;
    const total = raw.reduce((a, b) => a + b, 0) + conv + nul;
    raw.forEach((p, j) => tr.push({ from, to: channels[j], probability: p / total }));
    tr.push({ from, to: '(conversion)', probability: conv / total }, { from, to: '(null)', probability: nul / total });
  });
  return { run_id: 'r', run_at: null, window_from: null, window_to: null, order: 1, transitions: tr };
}

describe('Markov layout', () => {
  const chain = busyChain();
  const layout = layoutMarkov(chain);

  it('puts (start) in the first layer, the outcomes in the last, and first touches before chats', () => {
    const layer = Object.fromEntries(layout.nodes.map((n) => [n.state, n.layer]));
    expect(layer['(start)']).toBe(0);
    expect(layer['(conversion)']).toBe(layout.layers - 1);
    expect(layer['(null)']).toBe(layout.layers - 1);
    expect(layout.layers).toBeGreaterThanOrEqual(4);
    for (const first of ['ad', 'social', 'web', 'email'])
      for (const chat of ['web_chat', 'wechat_chat', 'app_chat', 'sms_chat']) expect(layer[first]).toBeLessThan(layer[chat]);
  });

  it('gives every state a unique position, neighbours at least a node apart, inside the box', () => {
    const s = seriesOf(buildMarkovGraphOption(chain, ctx()))[0];
    const nodes = s.data.filter((n: { id: string }) => !n.id.startsWith('(corner')) as Array<{ x: number; y: number }>;
    expect(nodes).toHaveLength(12);
    expect(new Set(nodes.map((n) => `${n.x},${n.y}`)).size).toBe(nodes.length);
    for (const a of nodes) {
      expect(a.x).toBeGreaterThanOrEqual(0);
      expect(a.x).toBeLessThanOrEqual(GRAPH_BOX.width);
      expect(a.y).toBeGreaterThan(0);
      expect(a.y).toBeLessThan(GRAPH_BOX.height);
      for (const b of nodes) {
        if (a === b) continue;
        // same column: a row apart (room for the symbol and a line of label); other columns: a layer apart
        if (a.x === b.x) expect(Math.abs(a.y - b.y)).toBeGreaterThanOrEqual(Math.max(s.symbolSize, 16) - 1e-9);
        else expect(Math.abs(a.x - b.x)).toBeGreaterThanOrEqual(layout.colGap - 1e-9);
      }
    }
    // labels to the right of the node, truncated before the next layer
    expect(s.label).toMatchObject({ show: true, position: 'right', overflow: 'truncate' });
    expect(s.label.width + s.symbolSize).toBeLessThan(layout.colGap);
  });

  it("draws only each state's strongest transitions, and labels only the strongest one", () => {
    const s = seriesOf(buildMarkovGraphOption(chain, ctx()))[0];
    const bySource = new Map<number, number[]>();
    for (const l of s.links as Array<{ source: number; value: number }>) bySource.set(l.source, [...(bySource.get(l.source) ?? []), l.value]);
    for (const [, values] of bySource) expect(values.length).toBeLessThanOrEqual(TOP_K_PER_STATE);
    expect(s.links.length).toBeLessThan(chain.transitions.length);
    // the drawn ones are the strongest of their source
    for (const e of layout.edges) {
      const stronger = layout.edges.filter((o) => o.from === e.from && o.probability > e.probability).length;
      if (stronger >= TOP_K_PER_STATE) expect(e.shown).toBe(false);
    }
    const labelled = (s.links as Array<{ label: { show: boolean } }>).filter((l) => l.label.show);
    expect(labelled.length).toBeLessThanOrEqual(bySource.size);
  });
});

describe('model bars', () => {
  it('shows every channel name under the bars: interval 0, never hidden, tilted when many', () => {
    const many: AttributionData = {
      ...data,
      channels: busyChain()
        .transitions.filter((t) => t.from === '(start)' || t.from === 'ad')
        .map((t) => t.to)
        .filter((c) => !c.startsWith('(')),
    };
    const channels = [...new Set(many.channels)];
    many.channels = channels;
    for (const locale of ['en', 'zh-CN'] as const) {
      const o = buildModelsOption(many, 'conversions', ctx(locale)) as { xAxis: { data: string[]; axisLabel: Record<string, unknown> } };
      expect(o.xAxis.data).toEqual(channels.map((c) => touchLabel(c, translator(locale))));
      expect(o.xAxis.axisLabel.interval).toBe(0);
      expect(o.xAxis.axisLabel.hideOverlap).toBe(false);
      expect(o.xAxis.axisLabel.rotate).toBeGreaterThan(0);
    }
    expect(categoryLabels(['Ads', 'Web chat'])).toMatchObject({ interval: 0, hideOverlap: false, rotate: 0, overflow: 'break' });
  });
});

describe('funnel', () => {
  it('has one bar series per group over the three steps, largest first', () => {
    const s = seriesOf(buildFunnelOption(funnel, ctx('zh-CN')));
    expect(s.map((x) => x.name)).toEqual(['网站', '（无）', '微信']);
    expect(s[0].data).toEqual([3, 3, 2]);
    expect(s[0].color).toBe(channelColor('web'));
    expect((buildFunnelOption(funnel, ctx('zh-CN')).xAxis as { data: string[] }).data).toEqual(['咨询', '商机', '成交']);
  });

  it('shows conversion rates and time to deal per group and in total', () => {
    const rows = funnelTableRows(funnel, ctx());
    expect(rows.map((r) => r.label)).toEqual(['WeChat', 'Web', '(none)', 'All']);
    const web = rows[1];
    expect(web.counts).toEqual([3, 3, 2]);
    expect(web.text.rates).toEqual(['100%', '66.7%', '66.7%']);
    expect(web.text.timeToDeal).toBe('2m');
    expect(rows[0].text.timeToDeal).toBe('—');
    expect(rows[3]).toMatchObject({ total: true, key: '*', counts: [5, 4, 2] });
  });
});

describe('routeFromHash', () => {
  it('routes #/attribution and defaults to the board', () => {
    expect(routeFromHash('#/attribution')).toBe('attribution');
    expect(routeFromHash('#/attribution&x=1')).toBe('attribution');
    expect(routeFromHash('#/board')).toBe('board');
    expect(routeFromHash('')).toBe('board');
    expect(routeFromHash('#view=board&x')).toBe('board');
  });

  it('keeps working with a key in the fragment', () => {
    const { key, rest } = extractKeyFromHash('#/attribution&key=olk_abc');
    expect(key).toBe('olk_abc');
    expect(routeFromHash(rest)).toBe('attribution');
    expect(routeFromHash(extractKeyFromHash('#key=olk_abc').rest)).toBe('board');
  });
});
