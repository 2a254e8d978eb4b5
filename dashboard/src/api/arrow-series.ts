import { tableFromIPC } from 'apache-arrow';
import type { MetricPoint } from './metric-types.js';

/** Arrow cells arrive as number, bigint (Int64), Date or string; the board wants numbers. */
function toNumber(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.getTime();
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** Decoded Arrow reply: the series plus whatever the schema metadata says (kpi, unit, time_zone…). */
export interface ArrowSeries {
  series: MetricPoint[];
  metadata: Record<string, string>;
}

/**
 * Decodes a `GET /v1/metrics/{kpi}` Arrow IPC stream (columns `bucket` Timestamp ms, `group` Utf8, `value`
 * Float64, plus the KPI's extra numeric columns) into the same points the JSON reply has, so the charts do
 * not care which transport brought them.
 */
export function decodeArrowSeries(bytes: Uint8Array | ArrayBuffer): ArrowSeries {
  const table = tableFromIPC(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
  const names = table.schema.fields.map((f) => f.name);
  const columns = names.map((n) => table.getChild(n));
  const bucketIdx = names.indexOf('bucket');
  const groupIdx = names.indexOf('group');
  const series: MetricPoint[] = [];
  for (let row = 0; row < table.numRows; row++) {
    const point: MetricPoint = { bucket: '', group: null, value: null };
    names.forEach((name, i) => {
      const cell: unknown = columns[i]?.get(row);
      if (i === bucketIdx) {
        const ms = toNumber(cell);
        point.bucket = ms === null ? '' : new Date(ms).toISOString();
      } else if (i === groupIdx || name === 'channel') {
        point[name] = cell === null || cell === undefined ? null : `${cell as string | number | bigint}`; // Utf8 or integer columns
      } else {
        point[name] = toNumber(cell);
      }
    });
    series.push(point);
  }
  const metadata: Record<string, string> = {};
  for (const [k, v] of table.schema.metadata) metadata[k] = v;
  return { series, metadata };
}
