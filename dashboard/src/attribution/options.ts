import { channelColor, channelLabel } from '../board/channels.js';
import { chartBase, theme, topLegend, tooltipBase, type ChartContext } from '../board/options/context.js';
import { axisBarTooltip } from '../board/options/types.js';
import { formatDuration } from '../format/duration.js';
import { formatDecimal, formatPercent } from '../format/number.js';
import type { MessageKey, Translate } from '../i18n/index.js';
import { touchLabel } from './labels.js';
import type { AttributionChartOption, AttributionData, FunnelData, Metric } from './types.js';

export type { AttributionChartOption } from './types.js';

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

const modelRank = (m: string) => {
  const i = (MODEL_ORDER as readonly string[]).indexOf(m);
  return i === -1 ? MODEL_ORDER.length : i;
};

/** Models in display order. */
export function sortedModels(data: AttributionData): AttributionData['models'] {
  return [...data.models].sort((a, b) => modelRank(a.model) - modelRank(b.model) || a.model.localeCompare(b.model));
}

/** Display width of a label in Latin-character units (CJK glyphs count double). */
const textUnits = (s: string) => [...s].reduce((n, ch) => n + (/[\u2e80-\uffff]/.test(ch) ? 2 : 1), 0);

/**
 * Category labels that all show: every one (interval 0, never hidden for overlap), wrapped on two lines when
 * few, tilted when many or long so neighbours do not collide. Grids contain their axis labels, so the plot
 * shrinks to make room.
 */
export function categoryLabels(labels: readonly string[]): { interval: 0; hideOverlap: false; rotate: number; width?: number; overflow?: 'break' } {
  const widest = Math.max(0, ...labels.map(textUnits));
  if (labels.length > 6 || widest > 14) return { interval: 0, hideOverlap: false, rotate: 30 };
  return { interval: 0, hideOverlap: false, rotate: 0, width: 96, overflow: 'break' };
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
      axisLabel: { color: theme.text, ...categoryLabels(channels.map((c) => touchLabel(c, ctx.t))) },
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

export { buildMarkovGraphOption } from './markov-graph.js';
export { stateLabel, touchLabel } from './labels.js';

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
