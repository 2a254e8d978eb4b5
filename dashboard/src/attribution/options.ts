import type { ComposeOption } from 'echarts/core';
import type { BarSeriesOption, GraphSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import { channelColor, channelLabel } from '../board/channels.js';
import { chartBase, theme, topLegend, tooltipBase, type ChartContext } from '../board/options/context.js';
import { axisBarTooltip, escapeHtml, type CallbackItem } from '../board/options/types.js';
import { formatDuration } from '../format/duration.js';
import { formatDecimal, formatPercent } from '../format/number.js';
import type { MessageKey, Translate } from '../i18n/index.js';
import type { AttributionData, FunnelData, Metric, TransitionsData } from './types.js';

/** Option type of the attribution charts: exactly the parts registered in `echarts-setup.ts`. */
export type AttributionChartOption = ComposeOption<BarSeriesOption | GraphSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption>;

/** Display order and colours of the models (a qualitative palette distinct from the channel colours). */
export const MODEL_ORDER = ['markov', 'shapley', 'first', 'last', 'linear', 'time_decay', 'position'] as const;
export const MODEL_COLORS: Record<string, string> = {
  markov: '#1f4e89',
  shapley: '#7c3aed',
  first: '#0ea5e9',
  last: '#f59e0b',
  linear: '#10b981',
  time_decay: '#ef4444',
  position: '#64748b',
};

/** A model's name in the current locale (unknown models as sent). */
export function modelLabel(model: string, t: Translate): string {
  return (MODEL_ORDER as readonly string[]).includes(model) ? t(`model.${model}` as MessageKey) : model;
}

/** A touchpoint's name: channels translated, `<channel>_chat` as "<channel> chat", `phone_follow_up` named. */
export function touchLabel(touch: string, t: Translate): string {
  if (touch === 'phone_follow_up') return t('touch.phone_follow_up');
  const chat = /^([a-z][a-z0-9_]*)_chat$/.exec(touch);
  if (chat) return t('touch.chat', { channel: channelLabel(chat[1], t) });
  return channelLabel(touch, t);
}

/** A Markov state's name: (start), (conversion), (null) translated; channel tuples joined with ›. */
export function stateLabel(state: string, t: Translate): string {
  if (state === '(start)') return t('attr.state.start');
  if (state === '(conversion)') return t('attr.state.conversion');
  if (state === '(null)') return t('attr.state.null');
  return state
    .split(',')
    .map((s) => touchLabel(s, t))
    .join(' › ');
}

const modelRank = (m: string) => {
  const i = (MODEL_ORDER as readonly string[]).indexOf(m);
  return i === -1 ? MODEL_ORDER.length : i;
};

/** Models in display order. */
export function sortedModels(data: AttributionData): AttributionData['models'] {
  return [...data.models].sort((a, b) => modelRank(a.model) - modelRank(b.model) || a.model.localeCompare(b.model));
}

/** Models side by side per channel: a category per channel, one bar series per model (conversions or value). */
export function buildModelsOption(data: AttributionData, metric: Metric, ctx: ChartContext): AttributionChartOption {
  const channels = data.channels;
  const fmt = (v: unknown) => formatDecimal(Number(v), ctx.locale, metric === 'value' ? 0 : 2);
  return {
    ...chartBase,
    grid: { left: 8, right: 12, top: 36, bottom: 4, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    legend: topLegend,
    tooltip: axisBarTooltip(tooltipBase, fmt),
    xAxis: {
      type: 'category',
      data: channels.map((c) => touchLabel(c, ctx.t)),
      axisTick: { show: false },
      axisLine: { lineStyle: { color: theme.axisLine } },
      axisLabel: { color: theme.text, interval: 0, hideOverlap: true },
    },
    yAxis: { type: 'value', axisLabel: { color: theme.text, formatter: (v: number) => fmt(v) }, splitLine: { lineStyle: { color: theme.splitLine } } },
    series: sortedModels(data).map((m) => {
      const by = new Map(m.channels.map((c) => [c.channel, c]));
      return {
        id: `model:${m.model}:${m.order ?? 0}`,
        name: modelLabel(m.model, ctx.t),
        type: 'bar' as const,
        color: MODEL_COLORS[m.model] ?? '#94a3b8',
        barMaxWidth: 18,
        data: channels.map((c) => by.get(c)?.[metric] ?? 0),
      };
    }),
  };
}

/** One table row per (model, channel): raw numbers for tests and formatted text for people. */
export interface AttributionTableRow {
  model: string;
  channel: string;
  modelLabel: string;
  channelLabel: string;
  removal_effect: number | null;
  conversions: number;
  value: number;
  conversions_ci: [number, number] | null;
  value_ci: [number, number] | null;
  text: { removal: string; conversions: string; conversionsCi: string; value: string; valueCi: string };
}

/** The rows of the attribution table, models in display order, channels sorted. */
export function attributionTableRows(data: AttributionData, ctx: ChartContext): AttributionTableRow[] {
  const d2 = (v: number) => formatDecimal(v, ctx.locale, 2);
  const d0 = (v: number) => formatDecimal(v, ctx.locale, 0);
  const ci = (iv: [number, number] | null, f: (v: number) => string) => (iv ? `${f(iv[0])} – ${f(iv[1])}` : '—');
  return sortedModels(data).flatMap((m) =>
    m.channels.map((c) => ({
      model: m.model,
      channel: c.channel,
      modelLabel: modelLabel(m.model, ctx.t),
      channelLabel: touchLabel(c.channel, ctx.t),
      removal_effect: c.removal_effect,
      conversions: c.conversions,
      value: c.value,
      conversions_ci: c.conversions_ci,
      value_ci: c.value_ci,
      text: {
        removal: c.removal_effect === null ? '—' : formatPercent(c.removal_effect, ctx.locale),
        conversions: d2(c.conversions),
        conversionsCi: ci(c.conversions_ci, d2),
        value: d0(c.value),
        valueCi: ci(c.value_ci, d0),
      },
    })),
  );
}

const SPECIAL = new Set(['(start)', '(conversion)', '(null)']);
/** Invisible nodes at the canvas corners, so a graph of few states is not stretched to the edges. */
const CORNERS = [
  [-4, 0],
  [104, 100],
].map(([x, y], i) => ({ id: `(corner${i})`, name: '', x, y, symbolSize: 0, label: { show: false } }));

/**
 * The Markov chain as a directed graph with fixed positions: (start) on the left, the channel states in a
 * column in the middle (sorted), (conversion) top right and (null) bottom right. Edge width and opacity grow
 * with the transition probability; labels show it as a percentage.
 */
export function buildMarkovGraphOption(data: TransitionsData, ctx: ChartContext): AttributionChartOption {
  const states = new Set<string>();
  for (const tr of data.transitions) states.add(tr.from).add(tr.to);
  const middle = [...states].filter((s) => !SPECIAL.has(s)).sort();
  const pos = new Map<string, [number, number]>();
  // a fixed 100 × 100 canvas: bounds are pinned by invisible corners so positions keep their meaning
  pos.set('(start)', [0, 50]);
  pos.set('(conversion)', [100, 30]);
  pos.set('(null)', [100, 70]);
  middle.forEach((s, i) => pos.set(s, [50 + (i % 2 === 0 ? -10 : 10), middle.length === 1 ? 50 : 12 + (i * 76) / (middle.length - 1)]));
  const ordered = [...['(start)'].filter((s) => states.has(s)), ...middle, ...['(conversion)', '(null)'].filter((s) => states.has(s))];
  const index = new Map(ordered.map((s, i) => [s, i]));
  const nodeColor = (s: string) => (s === '(start)' ? '#334155' : s === '(conversion)' ? '#16a34a' : s === '(null)' ? '#94a3b8' : channelColor(s.split(',').pop()!.replace(/_chat$/, '')));
  const pct = (p: number) => formatPercent(p, ctx.locale);
  return {
    ...chartBase,
    tooltip: {
      ...tooltipBase,
      trigger: 'item',
      formatter: (raw: unknown) => {
        const it = raw as CallbackItem & { dataType?: string; data?: { source?: number; target?: number; value?: number } };
        if (it.dataType === 'edge' && it.data) {
          const from = stateLabel(ordered[it.data.source ?? 0] ?? '', ctx.t);
          const to = stateLabel(ordered[it.data.target ?? 0] ?? '', ctx.t);
          return `${escapeHtml(`${from} → ${to}`)}&nbsp;&nbsp;<b>${pct(Number(it.data.value ?? 0))}</b>`;
        }
        return escapeHtml(it.name ?? '');
      },
    },
    series: [
      {
        id: 'markov',
        type: 'graph',
        layout: 'none',
        roam: true,
        left: 70,
        right: 90,
        top: 20,
        bottom: 28,
        symbolSize: 30,
        edgeSymbol: ['none', 'arrow'],
        edgeSymbolSize: 8,
        autoCurveness: true,
        label: { show: true, position: 'bottom', color: theme.text, fontSize: 11 },
        edgeLabel: { show: true, fontSize: 10, color: theme.text, formatter: (p: unknown) => pct(Number((p as CallbackItem).value ?? 0)) },
        data: [
          ...ordered.map((s) => ({ id: s, name: stateLabel(s, ctx.t), x: pos.get(s)![0], y: pos.get(s)![1], itemStyle: { color: nodeColor(s) } })),
          ...(ordered.length ? CORNERS : []),
        ],
        links: data.transitions.map((tr) => ({
          source: index.get(tr.from)!,
          target: index.get(tr.to)!,
          value: tr.probability,
          lineStyle: { width: 1 + 7 * tr.probability, opacity: 0.25 + 0.65 * tr.probability, color: '#64748b' },
        })),
      },
    ],
  };
}

/** Funnel key as shown: translated channel for by=channel, "(none)" for a missing property. */
export function funnelKeyLabel(key: string, by: FunnelData['by'], t: Translate): string {
  if (key === '') return t('funnel.none');
  return by === 'channel' ? channelLabel(key, t) : key;
}

const FUNNEL_STEPS = ['inquiry', 'opportunity', 'deal'] as const;
const MAX_FUNNEL_GROUPS = 8;

/** The funnel by step: a category per step, one bar series per group (the 8 largest by inquiries). */
export function buildFunnelOption(data: FunnelData, ctx: ChartContext): AttributionChartOption {
  const groups = [...data.groups].sort((a, b) => b.inquiries - a.inquiries || a.key.localeCompare(b.key)).slice(0, MAX_FUNNEL_GROUPS);
  const extra = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7'];
  return {
    ...chartBase,
    grid: { left: 8, right: 12, top: 36, bottom: 4, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    legend: topLegend,
    tooltip: { ...tooltipBase, trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: {
      type: 'category',
      data: FUNNEL_STEPS.map((s) => ctx.t(`funnel.step.${s}`)),
      axisTick: { show: false },
      axisLine: { lineStyle: { color: theme.axisLine } },
      axisLabel: { color: theme.text },
    },
    yAxis: { type: 'value', minInterval: 1, axisLabel: { color: theme.text }, splitLine: { lineStyle: { color: theme.splitLine } } },
    series: groups.map((g, i) => ({
      id: `funnel:${data.by}:${g.key}`,
      name: funnelKeyLabel(g.key, data.by, ctx.t),
      type: 'bar' as const,
      color: data.by === 'channel' ? channelColor(g.key) : extra[i % extra.length],
      barMaxWidth: 28,
      label: { show: true, position: 'top' as const, color: theme.text, fontSize: 11 },
      data: [g.inquiries, g.opportunities, g.deals],
    })),
  };
}

/** The funnel table: one row per group plus the total, rates as percentages, time to deal as a duration. */
export function funnelTableRows(data: FunnelData, ctx: ChartContext) {
  const row = (g: FunnelData['total'], label: string, total: boolean) => ({
    key: total ? '*' : g.key,
    label,
    total,
    counts: [g.inquiries, g.opportunities, g.deals] as const,
    rates: [g.opportunity_rate, g.deal_rate, g.overall_rate] as const,
    text: {
      rates: [formatPercent(g.opportunity_rate, ctx.locale), formatPercent(g.deal_rate, ctx.locale), formatPercent(g.overall_rate, ctx.locale)],
      timeToDeal: formatDuration(g.avg_inquiry_to_deal_ms, ctx.locale),
    },
  });
  return [...data.groups.map((g) => row(g, funnelKeyLabel(g.key, data.by, ctx.t), false)), row(data.total, ctx.t('funnel.total'), true)];
}
