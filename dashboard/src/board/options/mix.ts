import type { BoardSnapshot } from '../../api/types.js';
import { formatInt, formatPercent } from '../../format/number.js';
import { channelColor, channelLabel, sortChannels } from '../channels.js';
import { chartBase, theme, tooltipBase, type ChartContext } from './context.js';
import { escapeHtml, type BoardChartOption, type CallbackItem } from './types.js';

/** Channel mix as a donut of events per channel (channels with no events are left out). */
export function buildMixOption(board: BoardSnapshot, ctx: ChartContext): BoardChartOption {
  const byChannel = new Map(board.channels.map((c) => [c.channel, c.events]));
  const data = sortChannels(byChannel.keys())
    .filter((c) => (byChannel.get(c) ?? 0) > 0)
    .map((c) => ({
      id: c,
      name: channelLabel(c, ctx.t),
      value: byChannel.get(c) ?? 0,
      itemStyle: { color: channelColor(c) },
    }));
  return {
    ...chartBase,
    tooltip: {
      ...tooltipBase,
      trigger: 'item',
      formatter: (raw: unknown) => {
        const it = raw as CallbackItem;
        return (
          `${typeof it.marker === 'string' ? it.marker : ''}${escapeHtml(it.name ?? '')}` +
          `&nbsp;&nbsp;<b>${formatInt(Number(it.value), ctx.locale)}</b> (${formatPercent((it.percent ?? 0) / 100, ctx.locale)})`
        );
      },
    },
    series: [
      {
        id: 'mix',
        type: 'pie',
        name: ctx.t('chart.mix'),
        radius: ['40%', '62%'],
        center: ['50%', '54%'],
        avoidLabelOverlap: true,
        minShowLabelAngle: 6,
        percentPrecision: 1,
        itemStyle: { borderColor: '#fff', borderWidth: 2, borderRadius: 3 },
        label: { color: theme.text, fontSize: 12, formatter: '{b}\n{d}%' },
        labelLine: { length: 6, length2: 6 },
        data,
      },
    ],
  };
}
