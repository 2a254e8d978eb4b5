import type { Locale, Translate } from '../../i18n/index.js';

/** What an option builder needs besides the board: the locale and its translator. */
export interface ChartContext {
  locale: Locale;
  t: Translate;
}

/** Shared look for axes and tooltips so every chart reads the same. */
export const theme = {
  text: '#475569',
  axisLine: '#cbd5e1',
  splitLine: '#eef2f7',
  fontFamily:
    '-apple-system, BlinkMacSystemFont, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", Roboto, "Helvetica Neue", Arial, sans-serif',
} as const;

export const baseTextStyle = { color: theme.text, fontFamily: theme.fontFamily, fontSize: 12 };

export const tooltipBase = {
  backgroundColor: 'rgba(15, 23, 42, 0.92)',
  borderWidth: 0,
  textStyle: { color: '#f8fafc', fontSize: 12, fontFamily: theme.fontFamily },
  confine: true,
};

/** What every chart option starts with: short animations and the board's text style. */
export const chartBase = { animationDuration: 300, animationDurationUpdate: 300, textStyle: baseTextStyle };

/** A compact legend in the top-left corner. */
export const topLegend = { top: 0, left: 0, icon: 'roundRect' as const, itemWidth: 10, itemHeight: 10, textStyle: { color: theme.text } };
