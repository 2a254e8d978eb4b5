import { Float64, Table, TimestampMillisecond, Utf8, tableToIPC, vectorFromArray, type Vector } from 'apache-arrow';
import { kpiDef } from '../../shared/kpi-catalogue.js';
import type { KpiSeries } from './kpi-service.js';

export const ARROW_STREAM = 'application/vnd.apache.arrow.stream';

/** True when the Accept header asks for an Arrow IPC stream. */
export const wantsArrow = (accept: string | undefined): boolean => (accept ?? '').toLowerCase().includes(ARROW_STREAM);

/**
 * A KPI series as an Arrow IPC stream: bucket (Timestamp ms), group and channel (Utf8, nullable), value
 * (Float64), then the KPI's extra fields (Float64). The reply's other fields ride in the schema metadata
 * (kpi, unit, granularity, time_zone, group_by, from, to), so the stream stands alone.
 */
export function seriesToArrow(s: KpiSeries): Uint8Array {
  const rows = s.series;
  const columns: Record<string, Vector> = {
    bucket: vectorFromArray(
      rows.map((r) => Date.parse(r.bucket)),
      new TimestampMillisecond(),
    ),
    group: vectorFromArray(
      rows.map((r) => r.group),
      new Utf8(),
    ),
    channel: vectorFromArray(
      rows.map((r) => r.channel),
      new Utf8(),
    ),
    value: vectorFromArray(
      rows.map((r) => r.value),
      new Float64(),
    ),
  };
  for (const e of kpiDef(s.kpi).extras)
    columns[e] = vectorFromArray(
      rows.map((r) => (r[e] === null ? null : Number(r[e]))),
      new Float64(),
    );
  const table = new Table(columns);
  for (const k of ['kpi', 'unit', 'granularity', 'time_zone', 'group_by', 'from', 'to'] as const) table.schema.metadata.set(k, s[k]);
  return tableToIPC(table, 'stream');
}
