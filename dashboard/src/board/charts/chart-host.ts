import { createChart, type EChartsType } from '../../echarts-setup.js';
import './echarts-board.js';
import type { BoardChartOption } from '../options/index.js';

/** What a click on a chart element reports (the subset of ECharts' event params the board uses). */
export interface ChartClick {
  seriesId?: string;
  dataIndex?: number;
  name?: string;
  value?: unknown;
  data?: unknown;
}

/** One ECharts instance in a container: created on first data, resized with its container, disposed on destroy. */
export interface ChartHost {
  /**
   * Applies an option. Updates use `replaceMerge: ['series']`: series are matched by id and animate in place
   * (no flicker) while vanished ones are dropped. `notMerge` replaces everything (e.g. a different KPI).
   */
  set(option: BoardChartOption, notMerge?: boolean): void;
  /** Current instance, null until the first `set`. */
  chart(): EChartsType | null;
  destroy(): void;
}

export function createChartHost(el: HTMLElement, onClick?: (click: ChartClick) => void): ChartHost {
  let chart: EChartsType | null = null;
  let frame = 0;
  const observer =
    typeof ResizeObserver === 'undefined'
      ? null
      : new ResizeObserver(() => {
          cancelAnimationFrame(frame);
          frame = requestAnimationFrame(() => chart?.resize());
        });
  observer?.observe(el);
  return {
    set(option, notMerge = false) {
      if (!chart) {
        // Created on first data so it measures a laid-out container.
        chart = createChart(el);
        if (onClick) chart.on('click', (p) => onClick(p as ChartClick));
      }
      chart.setOption(option, notMerge ? { notMerge: true } : { replaceMerge: ['series'], lazyUpdate: true });
      // The x axis title (e.g. the time zone of a time axis) is drawn on a canvas: mirror it for assistive tech and tests.
      const xName = (option.xAxis as { name?: unknown } | undefined)?.name;
      if (typeof xName === 'string') el.dataset.xAxisName = xName;
      else delete el.dataset.xAxisName;
    },
    chart: () => chart,
    destroy() {
      observer?.disconnect();
      cancelAnimationFrame(frame);
      chart?.dispose();
      chart = null;
    },
  };
}
