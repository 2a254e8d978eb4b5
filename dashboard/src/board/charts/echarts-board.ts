import { use } from 'echarts/core';
import { FunnelChart, HeatmapChart } from 'echarts/charts';
import { VisualMapComponent } from 'echarts/components';

// The board's extra chart types, registered here (ECharts' registry is global) so the shared
// echarts-setup.ts keeps only what every screen needs. Import this module before creating a chart.
use([FunnelChart, HeatmapChart, VisualMapComponent]);
