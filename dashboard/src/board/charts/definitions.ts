import { isEmptyBoard, type BoardSnapshot } from '../../api/types.js';
import type { KpiName } from '../../api/metric-types.js';
import type { MessageKey } from '../../i18n/index.js';
import { windowDrill, type DrillRequest } from '../drill/drill-request.js';
import type { ChartClick } from './chart-host.js';
import {
  buildFunnelOption,
  isFunnelEmpty,
  type FunnelStageId,
  buildConversationsOption,
  buildEventsOption,
  buildFrtOption,
  buildMixOption,
  isFrtEmpty,
  type BoardChartOption,
  type ChartContext,
} from '../options/index.js';

/** A board chart: what it shows is data; `chart-panel.ts` draws any of these. */
export interface ChartDef {
  testid: string;
  titleKey: MessageKey;
  /** Grid width: 'wide' takes two of three columns on a laptop screen. */
  span: 'wide' | 'narrow';
  build(board: BoardSnapshot, ctx: ChartContext): BoardChartOption;
  isEmpty(board: BoardSnapshot | null): boolean;
  emptyKey: MessageKey;
  /** Turns a click on a chart element into a drill-down (null: nothing behind it). */
  drill?(click: ChartClick, board: BoardSnapshot): DrillRequest | null;
}

/** The KPI whose conversations a funnel stage lists. */
export const FUNNEL_DRILL: Record<FunnelStageId, KpiName> = { inquiries: 'inquiries', opportunities: 'inquiry_to_opportunity', deals: 'deals' };

function funnelDrill(click: ChartClick, board: BoardSnapshot): DrillRequest | null {
  const id = (click.data as { id?: string } | undefined)?.id as FunnelStageId | undefined;
  return id && id in FUNNEL_DRILL ? windowDrill(FUNNEL_DRILL[id], board) : null;
}

/** The board's charts, in display order (row by row). Later issues append here. */
export const CHARTS: readonly ChartDef[] = [
  { testid: 'chart-events', titleKey: 'chart.events', span: 'wide', build: buildEventsOption, isEmpty: isEmptyBoard, emptyKey: 'chart.empty' },
  { testid: 'chart-mix', titleKey: 'chart.mix', span: 'narrow', build: buildMixOption, isEmpty: isEmptyBoard, emptyKey: 'chart.empty' },
  {
    testid: 'chart-conversations',
    titleKey: 'chart.conversations',
    span: 'wide',
    build: buildConversationsOption,
    isEmpty: isEmptyBoard,
    emptyKey: 'chart.empty',
  },
  { testid: 'chart-frt', titleKey: 'chart.frt', span: 'narrow', build: buildFrtOption, isEmpty: isFrtEmpty, emptyKey: 'chart.frtEmpty' },
  {
    testid: 'chart-conversion-funnel',
    titleKey: 'chart.funnel',
    span: 'narrow',
    build: (b, ctx) => buildFunnelOption(b.kpis ?? null, ctx),
    isEmpty: (b) => isFunnelEmpty(b?.kpis),
    emptyKey: 'chart.funnelEmpty',
    drill: funnelDrill,
  },
];
