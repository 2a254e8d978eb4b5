import { channelColor } from '../board/channels.js';
import { chartBase, theme, tooltipBase, type ChartContext } from '../board/options/context.js';
import { escapeHtml, type CallbackItem } from '../board/options/types.js';
import { formatPercent } from '../format/number.js';
import { GRAPH_BOX, layoutMarkov, START } from './markov-layout.js';
import { stateLabel } from './labels.js';
import type { AttributionChartOption } from './types.js';
import type { TransitionsData } from './types.js';

/** Invisible nodes at the box corners: ECharts fits the data's extent to the view, so pin it to the whole box. */
const corners = () =>
  [
    [0, 0],
    [GRAPH_BOX.width, GRAPH_BOX.height],
  ].map(([x, y], i) => ({ id: `(corner${i})`, name: '', x, y, symbolSize: 0, label: { show: false }, tooltip: { show: false } }));

const nodeColor = (s: string) =>
  s === START
    ? '#334155'
    : s === '(conversion)'
      ? '#16a34a'
      : s === '(null)'
        ? '#94a3b8'
        : channelColor(
            s
              .split(',')
              .pop()!
              .replace(/_chat$/, ''),
          );

/**
 * The Markov chain as a layered graph (markov-layout.ts): (start) left, (conversion) and (null) right, states in
 * between by the step they are usually visited at. Each state's strongest transitions are drawn (width and
 * opacity by probability, the strongest labelled with its percentage), weaker ones are left out so the strong
 * paths read; node labels sit right of their node, truncated to the gap before the next layer.
 */
export function buildMarkovGraphOption(data: TransitionsData, ctx: ChartContext): AttributionChartOption {
  const layout = layoutMarkov(data);
  const index = new Map(layout.nodes.map((n, i) => [n.state, i]));
  const pct = (p: number) => formatPercent(p, ctx.locale);
  const symbol = Math.max(8, Math.min(26, layout.rowGap * 0.55));
  // one label line per row: hidden when rows are too tight for text (the tooltip still names the state)
  const labelled = layout.rowGap >= 16;
  const labelWidth = Math.max(40, layout.colGap - symbol - 16);
  const shown = layout.edges.filter((e) => e.shown);
  return {
    ...chartBase,
    tooltip: {
      ...tooltipBase,
      trigger: 'item',
      formatter: (raw: unknown) => {
        const it = raw as CallbackItem & { dataType?: string; data?: { source?: number; target?: number; value?: number } };
        if (it.dataType === 'edge' && it.data) {
          const from = stateLabel(layout.nodes[it.data.source ?? 0]?.state ?? '', ctx.t);
          const to = stateLabel(layout.nodes[it.data.target ?? 0]?.state ?? '', ctx.t);
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
        // room for the (start) label on the left and the terminal labels on the right
        left: 16,
        right: Math.min(140, labelWidth + symbol),
        top: 16,
        bottom: 16,
        symbolSize: symbol,
        edgeSymbol: ['none', 'arrow'],
        edgeSymbolSize: 7,
        autoCurveness: true,
        emphasis: { focus: 'adjacency', lineStyle: { opacity: 0.95 } },
        labelLayout: { hideOverlap: true },
        label: { show: labelled, position: 'right', distance: 4, color: theme.text, fontSize: 11, width: labelWidth, overflow: 'truncate' },
        edgeLabel: { show: false, fontSize: 10, color: theme.text, formatter: (p: unknown) => pct(Number((p as CallbackItem).value ?? 0)) },
        data: [
          ...layout.nodes.map((n) => ({ id: n.state, name: stateLabel(n.state, ctx.t), x: n.x, y: n.y, itemStyle: { color: nodeColor(n.state) } })),
          ...(layout.nodes.length ? corners() : []),
        ],
        links: shown.map((e) => ({
          source: index.get(e.from)!,
          target: index.get(e.to)!,
          value: e.probability,
          lineStyle: {
            width: 0.6 + 6 * e.probability,
            opacity: 0.12 + 0.78 * e.probability,
            color: e.to === '(conversion)' ? '#16a34a' : '#64748b',
            curveness: e.backward ? 0.35 : 0.06,
          },
          label: { show: e.labelled && e.probability >= 0.1 },
        })),
      },
    ],
  };
}
