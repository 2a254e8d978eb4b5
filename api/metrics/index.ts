export { KPI_CATALOGUE, KPI_NAMES, GROUP_BYS, FILTER_NAMES, isKpiName, kpiDef, kpiStats, statField, type KpiName, type KpiDef, type GroupBy, type KpiFilters, type KpiUnit } from '../../shared/kpi-catalogue.js';
export { KpiService, GRANULARITY_MS, DRILL_LIMIT, type KpiSeries, type KpiPoint, type SeriesRequest, type Granularity, type DrillConversation } from './kpi-service.js';
export { seriesToArrow, wantsArrow, ARROW_STREAM } from './arrow.js';
export { offsetAt, tzParams, labelToInstant, wholeWindow, isTimeZone } from './time-zone.js';
