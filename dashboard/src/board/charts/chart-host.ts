import type { EChartsCoreOption } from 'echarts/core';
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

/**
 * One ECharts instance in a container: created on first data, resized with its container, disposed on destroy.
 * The board's charts and the attribution view's use it alike (`O`: the option type of the screen's charts).
 */
export interface ChartHost<O extends EChartsCoreOption = BoardChartOption> {
  /**
   * Applies an option. Updates use `replaceMerge: ['series']`: series are matched by id and animate in place
   * (no flicker) while vanished ones are dropped. `notMerge` replaces everything (e.g. a different KPI).
   */
  set(option: O, notMerge?: boolean): void;
  /** Current instance, null until the first `set`. */
  chart(): EChartsType | null;
  destroy(): void;
}

export interface ChartHostOptions {
  /**
   * Mirror the texts the chart drew on its canvas (labels ECharts hid for overlap are not among them) into
   * `data-drawn-text` after each render, for assistive tech and the browser tests.
   */
  mirrorDrawnText?: boolean;
}

/** The texts a chart drew on its canvas (visible labels, axis names, legends), in drawing order. */
function drawnTexts(chart: EChartsType): string[] {
  return (
    chart
      .getZr()
      .storage.getDisplayList(true)
      // zrender draws a text element as 'tspan' displayables, one per line
      .filter((d) => (d.type === 'tspan' || d.type === 'text') && !d.invisible)
      .map((d) => String((d as unknown as { style: { text?: string | number } }).style.text ?? ''))
      .filter((s) => s !== '')
  );
}

export function createChartHost<O extends EChartsCoreOption = BoardChartOption>(
  el: HTMLElement,
  onClick?: (click: ChartClick) => void,
  opts: ChartHostOptions = {},
): ChartHost<O> {
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
        const c = (chart = createChart(el));
        if (onClick) c.on('click', (p) => onClick(p as ChartClick));
        if (opts.mirrorDrawnText)
          c.on('finished', () => {
            el.dataset.drawnText = JSON.stringify(drawnTexts(c));
          });
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
