import type { KpiSummary } from '../../api/metric-types.js';
import type { MessageKey } from '../../i18n/index.js';
import { formatKpiValue } from '../tiles/kpi-format.js';
import { chartBase, theme, tooltipBase, type ChartContext } from './context.js';
import { escapeHtml, type BoardChartOption, type CallbackItem } from './types.js';

export type FunnelStageId = 'inquiries' | 'opportunities' | 'deals';

/** One funnel stage: its count and the conversion from the stage before (null for the first or when 0 before). */
export interface FunnelStage {
  id: FunnelStageId;
  labelKey: MessageKey;
  value: number;
  fromPrevious: number | null;
}

export const FUNNEL_COLORS: Record<FunnelStageId, string> = { inquiries: '#4e79a7', opportunities: '#f28e2b', deals: '#59a14f' };

/** Inquiries → opportunities → deals over the board window, from the snapshot's KPI summary. */
export function funnelStages(kpis: KpiSummary | null): FunnelStage[] {
  const counts: Array<[FunnelStageId, MessageKey, number]> = [
    ['inquiries', 'kpi.stage.inquiries', kpis?.inquiries ?? 0],
    ['opportunities', 'kpi.stage.opportunities', kpis?.opportunities ?? 0],
    ['deals', 'kpi.stage.deals', kpis?.deals ?? 0],
  ];
  return counts.map(([id, labelKey, value], i) => {
    const prev = i > 0 ? counts[i - 1][2] : 0;
    return { id, labelKey, value, fromPrevious: i > 0 && prev > 0 ? value / prev : null };
  });
}

/** True when there is nothing to draw (no inquiries in the window). */
export function isFunnelEmpty(kpis: KpiSummary | null | undefined): boolean {
  return !kpis || !(kpis.inquiries ?? 0);
}

/**
 * The conversion funnel: one trapezoid per stage, widths proportional to the counts (not sorted, so a
 * stage that exceeds the one before still reads in pipeline order), labels "Opportunities 1 · 33.3%".
 */
export function buildFunnelOption(kpis: KpiSummary | null, ctx: ChartContext): BoardChartOption {
  const stages = funnelStages(kpis);
  const max = Math.max(1, ...stages.map((s) => s.value));
  const text = new Map<string, string>(
    stages.map((s) => {
      const count = formatKpiValue(s.value, 'count', ctx.locale);
      const rate = s.fromPrevious === null ? '' : ` · ${formatKpiValue(s.fromPrevious, 'ratio', ctx.locale)}`;
      return [s.id, `${ctx.t(s.labelKey)} ${count}${rate}`];
    }),
  );
  return {
    ...chartBase,
    tooltip: {
      ...tooltipBase,
      trigger: 'item',
      formatter: (raw: unknown) => {
        const it = raw as CallbackItem & { data?: { id?: string } };
        return escapeHtml(text.get(it.data?.id ?? '') ?? '');
      },
    },
    series: [
      {
        id: 'funnel',
        type: 'funnel',
        name: ctx.t('chart.funnel'),
        sort: 'none',
        min: 0,
        max,
        minSize: '8%',
        maxSize: '92%',
        left: '4%',
        right: '4%',
        top: 8,
        bottom: 8,
        gap: 4,
        label: {
          show: true,
          position: 'inside',
          color: '#fff',
          fontSize: 12,
          fontFamily: theme.fontFamily,
          formatter: (p: unknown) => text.get((p as { data?: { id?: string } }).data?.id ?? '') ?? '',
        },
        itemStyle: { borderColor: '#fff', borderWidth: 1 },
        data: stages.map((s) => ({ id: s.id, name: ctx.t(s.labelKey), value: s.value, itemStyle: { color: FUNNEL_COLORS[s.id] } })),
      },
    ],
  };
}
