import type { AppState, View } from '../../app/store.js';
import { h, setText } from '../../dom.js';
import { createChart, type EChartsType } from '../../echarts-setup.js';
import { translator } from '../../i18n/index.js';
import type { ChartDef } from './definitions.js';

/**
 * A card holding one ECharts chart. Updates go through `setOption` with `replaceMerge: ['series']`, so
 * series are matched by id and animate in place (no flicker) while vanished channels are dropped.
 * The chart follows its container's size (window resizes, layout changes) through a ResizeObserver.
 */
export function createChartPanel(def: ChartDef): View {
  const title = h('h2', { class: 'panel-title' });
  const chartEl = h('div', { class: 'chart', 'data-testid': def.testid, role: 'img' });
  const emptyTitle = h('strong');
  const emptyHint = h('span');
  const empty = h('div', { class: 'chart-empty', 'data-testid': `${def.testid}-empty`, hidden: true }, [emptyTitle, emptyHint]);
  const el = h('section', { class: `panel panel--${def.span}` }, [
    h('header', { class: 'panel-head' }, [title]),
    h('div', { class: 'panel-body' }, [chartEl, empty]),
  ]);

  let chart: EChartsType | null = null;
  let frame = 0;
  const observer =
    typeof ResizeObserver === 'undefined'
      ? null
      : new ResizeObserver(() => {
          cancelAnimationFrame(frame);
          frame = requestAnimationFrame(() => chart?.resize());
        });
  observer?.observe(chartEl);

  return {
    el,
    render(state: AppState) {
      const ctx = { locale: state.locale, t: translator(state.locale) };
      setText(title, ctx.t(def.titleKey));
      chartEl.setAttribute('aria-label', ctx.t(def.titleKey));
      const isEmpty = def.isEmpty(state.board);
      empty.hidden = !isEmpty;
      chartEl.dataset.empty = String(isEmpty);
      setText(emptyTitle, ctx.t(def.emptyKey));
      setText(emptyHint, ctx.t('chart.emptyHint'));
      if (!state.board) return;
      // Created on first data so it measures a laid-out container.
      chart ??= createChart(chartEl);
      chart.setOption(def.build(state.board, ctx), { replaceMerge: ['series'], lazyUpdate: true });
    },
    destroy() {
      observer?.disconnect();
      cancelAnimationFrame(frame);
      chart?.dispose();
      chart = null;
    },
  };
}
