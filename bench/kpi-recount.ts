import type { Warehouse } from '../shared/ports/warehouse.js';

/**
 * The named queries that hold the stream's KPI minutes and their batch recomputation from raw events.
 * Point `reference` elsewhere when the recount changes (e.g. once late events count in their own minute).
 */
export interface KpiRecountQueries {
  stream: string;
  reference: string;
}

export const DEFAULT_KPI_RECOUNT: KpiRecountQueries = { stream: 'kpi_minute_totals', reference: 'kpi_recount_minutes' };

type Row = Record<string, unknown>;
const numeric = (rows: Row[]) =>
  rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' || /^-?\d+(\.\d+)?$/.test(String(v)) ? Number(v) : v])));

/**
 * Compares the stream's KPI minutes in [fromMs, toMs) with the recount, row by row. Returns the number of
 * rows and events compared and the first differing rows (empty when they are equal).
 */
export async function compareKpisWithRecount(
  warehouse: Warehouse,
  fromMs: number,
  toMs: number,
  q: KpiRecountQueries = DEFAULT_KPI_RECOUNT,
): Promise<{ rows: number; events: number; mismatches: Array<{ stream?: Row; reference?: Row }> }> {
  const params = { from_ms: fromMs, to_ms: toMs } as never;
  const [stream, reference] = await Promise.all([warehouse.query<Row>(q.stream, params), warehouse.query<Row>(q.reference, params)]);
  const a = numeric(stream);
  const b = numeric(reference);
  const mismatches: Array<{ stream?: Row; reference?: Row }> = [];
  for (let i = 0; i < Math.max(a.length, b.length) && mismatches.length < 5; i++) {
    if (JSON.stringify(a[i]) !== JSON.stringify(b[i])) mismatches.push({ stream: a[i], reference: b[i] });
  }
  return { rows: a.length, events: a.reduce((s, r) => s + Number(r.events ?? 0), 0), mismatches };
}
