import { OmnilaneError } from '../../shared/errors.js';
import type { QueryParams, Warehouse } from '../../shared/ports/warehouse.js';
import { FILTER_NAMES, KPI_NAMES, kpiDef, type GroupBy, type KpiFilters, type KpiName, type KpiUnit } from '../../shared/kpi-catalogue.js';
import { labelToInstant, tzParams, wholeWindow } from './time-zone.js';

export const GRANULARITY_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
export type Granularity = keyof typeof GRANULARITY_MS;

/** One bucket of one group: value plus the KPI's extra numeric fields. */
export interface KpiPoint {
  bucket: string;
  group: string | null;
  channel: string | null;
  value: number | null;
  [extra: string]: string | number | null;
}

export interface KpiSeries {
  kpi: KpiName;
  unit: KpiUnit;
  granularity: Granularity;
  time_zone: string;
  group_by: GroupBy;
  from: string;
  to: string;
  series: KpiPoint[];
}

export interface SeriesRequest {
  from: number;
  to: number;
  granularity: Granularity;
  group_by: GroupBy;
  filters: KpiFilters;
}

export type { DrillConversation } from '../reply-types.js';
import type { DrillConversation } from '../reply-types.js';

type Row = Record<string, string | number | null>;
/**
 * A warehouse number for JSON: null when absent or not finite. A sum can overflow to Infinity (or a
 * DuckDB DOUBLE be NaN) on extreme data already stored; JSON cannot carry those and the response
 * serializer would fail the whole reply with a 500, so such a value reads as "no value" instead.
 */
export const finiteOrNull = (v: string | number | null | undefined): number | null => {
  if (v === null || v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};
const num = finiteOrNull;
export const DRILL_LIMIT = 200;

/** An error naming the KPIs there are (404 API_ERR_NOT_FOUND). */
export const unknownKpi = (name: string) => new OmnilaneError('API_ERR_NOT_FOUND', `unknown KPI ${JSON.stringify(name)}; known: ${KPI_NAMES.join(', ')}`);

/** Checks group_by and filters against what the KPI's table knows (400 API_ERR_VALIDATION). */
export function checkDimensions(kpi: KpiName, groupBy: GroupBy, filters: KpiFilters): void {
  const def = kpiDef(kpi);
  if (!def.groupBys.includes(groupBy))
    throw new OmnilaneError('API_ERR_VALIDATION', `group_by ${groupBy} is not available for ${kpi}; use one of ${def.groupBys.join(', ')}`);
  for (const f of FILTER_NAMES) {
    if (filters[f] !== undefined && !def.filters.includes(f))
      throw new OmnilaneError('API_ERR_VALIDATION', `filter ${f} is not available for ${kpi}; use ${def.filters.join(', ')}`);
  }
}

const filterParams = (filters: KpiFilters): QueryParams => Object.fromEntries(FILTER_NAMES.map((f) => [f, filters[f] ?? null]));

/**
 * Reads KPIs from the warehouse through their named queries: bucketed series (time-zone aligned), window
 * totals for the board and alert rules, and the conversations behind a bucket. Pure mapping around
 * `warehouse.query`; validation of names and dimensions happens here so every caller gets the same codes.
 */
export class KpiService {
  constructor(
    private readonly warehouse: Warehouse,
    readonly timeZone: string,
  ) {}

  /** The KPI per bucket and group over [from, to); buckets start on the zone's minute, hour or day. */
  async series(kpi: KpiName, req: SeriesRequest): Promise<KpiSeries> {
    checkDimensions(kpi, req.group_by, req.filters);
    const def = kpiDef(kpi);
    const bucketMs = GRANULARITY_MS[req.granularity];
    const params: QueryParams = {
      from_ms: req.from,
      to_ms: req.to,
      bucket_s: bucketMs / 1000,
      group_by: req.group_by,
      ...filterParams(req.filters),
      ...tzParams(this.timeZone, req.from, req.to),
    };
    const rows = await this.warehouse.query<Row>(def.query, params);
    const series = rows.map((r) => this.point(kpi, r, req, labelToInstant(this.timeZone, Number(r.bucket_local_ms))));
    return {
      kpi,
      unit: def.unit,
      granularity: req.granularity,
      time_zone: this.timeZone,
      group_by: req.group_by,
      from: new Date(req.from).toISOString(),
      to: new Date(req.to).toISOString(),
      series,
    };
  }

  /** The KPI over the whole window [from, to) as one point per group (board tiles, alert rules). */
  async window(kpi: KpiName, from: number, to: number, filters: KpiFilters = {}, groupBy: GroupBy = 'none'): Promise<KpiPoint[]> {
    checkDimensions(kpi, groupBy, filters);
    const def = kpiDef(kpi);
    const rows = await this.warehouse.query<Row>(def.query, {
      from_ms: from,
      to_ms: to,
      group_by: groupBy,
      ...filterParams(filters),
      ...wholeWindow(from, to),
    });
    return rows.map((r) => this.point(kpi, r, { group_by: groupBy, filters }, from));
  }

  /** Every kpi_minute counter summed over [from, to) (null without rows; a counter is null when its sum is not finite): the board's KPI tiles. */
  async counters(from: number, to: number): Promise<Record<string, number | null> | null> {
    const [row] = await this.warehouse.query<Row>('kpi_counters', {
      from_ms: from,
      to_ms: to,
      group_by: 'none',
      ...filterParams({}),
      ...wholeWindow(from, to),
    });
    if (!row) return null;
    const out: Record<string, number | null> = {};
    for (const [k, v] of Object.entries(row)) if (k !== 'bucket_local_ms' && k !== 'grp') out[k] = num(v);
    return out;
  }

  /**
   * The conversations behind one bucket (or window [from, to)) of a KPI, newest first, at most 200.
   * `group` narrows to one group of `group_by` (it becomes that dimension's filter).
   */
  async drill(kpi: KpiName, from: number, to: number, groupBy: GroupBy, group: string | null, filters: KpiFilters): Promise<DrillConversation[]> {
    checkDimensions(kpi, groupBy, filters);
    const def = kpiDef(kpi);
    if (!def.drill) throw new OmnilaneError('API_ERR_VALIDATION', `${kpi} counts events without conversations; there is nothing to drill into`);
    const narrowed: KpiFilters = { ...filters };
    if (group !== null && groupBy !== 'none') {
      const dim = groupBy === 'group' ? null : groupBy;
      if (dim === null) throw new OmnilaneError('API_ERR_VALIDATION', `a routing group names no conversations; drill into ${kpi} without group`);
      if (narrowed[dim] !== undefined && narrowed[dim] !== group) return [];
      narrowed[dim] = group;
    }
    const rows = await this.warehouse.query<Row>('kpi_drill_conversations', {
      from_ms: from,
      to_ms: to,
      time_col: def.drill.time_col,
      only: def.drill.only,
      limit: DRILL_LIMIT,
      ...filterParams(narrowed),
    });
    return rows.map((r) => ({
      conversation_id: String(r.conversation_id),
      customer_key: String(r.customer_key),
      channel: String(r.channel),
      source: String(r.source),
      team: String(r.team),
      agent: String(r.agent),
      tag: String(r.tag),
      started_at: new Date(Number(r.started_at_ms)).toISOString(),
      first_response_ms: num(r.first_response_ms),
      outcome: String(r.outcome),
    }));
  }

  private point(kpi: KpiName, r: Row, req: Pick<SeriesRequest, 'group_by' | 'filters'>, bucket: number): KpiPoint {
    const def = kpiDef(kpi);
    const group = req.group_by === 'none' ? null : String(r.grp);
    const p: KpiPoint = {
      bucket: new Date(bucket).toISOString(),
      group,
      channel: req.group_by === 'channel' ? group : (req.filters.channel ?? null),
      value: num(r[def.valueColumn]),
    };
    for (const e of def.extras) p[e] = num(r[e]);
    return p;
  }
}
