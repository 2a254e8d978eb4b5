import { isEmptyBoard, type BoardSnapshot } from '../../api/types.js';
import type { MessageKey } from '../../i18n/index.js';
import {
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
];
