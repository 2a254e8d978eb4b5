import { init, use, type EChartsType } from 'echarts/core';
import { BarChart, GraphChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

// Only what the board and the attribution view draw: keeps the bundle small. Add parts here when a chart needs them.
use([LineChart, BarChart, PieChart, GraphChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

/** Creates a chart in `el` with the parts registered above. */
export function createChart(el: HTMLElement): EChartsType {
  return init(el, undefined, { renderer: 'canvas' });
}

export type { EChartsType };
