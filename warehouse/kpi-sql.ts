import { KPI_CATALOGUE, type KpiAgg, type KpiSql } from '../shared/kpi-catalogue.js';

/** The two SQL dialects the warehouse speaks. */
export type Dialect = 'clickhouse' | 'duckdb';

/**
 * The KPI queries generated from the catalogue (shared/kpi-catalogue.ts `sql`): one template per dialect and
 * source, so a KPI over the minute contributions or over a facts table is one catalogue entry, not two files.
 *
 * Every generated query takes the same parameters and returns one row per bucket and group:
 * - bucket_local_ms: the bucket start as local wall-clock time read as if it were UTC (the API turns it into an
 *   instant): t + offset(t), offset = tz_offset_ms before the first tz_change_at_ms, else the offset of the last
 *   change at or before t (the API fills these from KPI_TIME_ZONE), floored to bucket_s;
 * - grp: the group_by dimension's value ('' when group_by is none); filters: each Nullable, NULL = no filter;
 * - value and the KPI's extras.
 * Sources: `contrib` is kpi_minute_contrib, additive contributions, one row per bus batch, minute and dimension
 * tuple (sql/ddl/006_kpi_contributions.sql): in ClickHouse FINAL collapses a retried identical write and the rows
 * are summed; in DuckDB a retried write replaced its key, so the rows are summed as they are. `facts` is a table
 * of versioned facts: ClickHouse takes the newest version per key first (argMax over a tuple keeps NULLs of the
 * newest row), then the window, since a newer version can move the row's time, reading only keys with some
 * version in the window; DuckDB keeps only the newest version of each key. Percentiles are the value at 1-based
 * rank ceil(p * n) of the n sorted values (DuckDB's quantile_disc).
 */

const DIMS = ['channel', 'source', 'team', 'agent', 'tag'] as const;

/** Local bucket start of an epoch-ms expression. */
function bucket(dialect: Dialect, ms: string): string {
  return dialect === 'clickhouse'
    ? `toInt64(intDiv(${ms} + arrayElement(arrayConcat([toInt64({tz_offset_ms:Int64})], arrayMap(tz_o -> toInt64(tz_o), {tz_change_offset_ms:Array(Int64)})), arrayCount(tz_c -> tz_c <= ${ms}, {tz_change_at_ms:Array(Int64)}) + 1), {bucket_s:Int64} * 1000) * {bucket_s:Int64} * 1000) AS bucket_local_ms`
    : `CAST(((${ms} + list_concat([{tz_offset_ms:Int64}], {tz_change_offset_ms:Array(Int64)})[len(list_filter({tz_change_at_ms:Array(Int64)}, lambda tz_c: tz_c <= ${ms})) + 1]) // ({bucket_s:Int64} * 1000)) * {bucket_s:Int64} * 1000 AS BIGINT) AS bucket_local_ms`;
}

function group(dialect: Dialect): string {
  return dialect === 'clickhouse'
    ? `multiIf(${DIMS.map((d) => `{group_by:String} = '${d}', ${d}`).join(', ')}, '') AS grp`
    : `CASE ${DIMS.map((d) => `WHEN {group_by:String} = '${d}' THEN ${d}`).join(' ')} ELSE '' END AS grp`;
}

function filters(dialect: Dialect): string[] {
  return DIMS.map((d) =>
    dialect === 'clickhouse'
      ? `AND ({${d}:Nullable(String)} IS NULL OR ${d} = ifNull({${d}:Nullable(String)}, ''))`
      : `AND ({${d}:Nullable(String)} IS NULL OR ${d} = {${d}:Nullable(String)})`,
  );
}

function agg(dialect: Dialect, a: KpiAgg): string {
  const ch = dialect === 'clickhouse';
  if ('count' in a) return ch ? `toInt64(sum(${a.count}))` : `CAST(sum(${a.count}) AS BIGINT)`;
  if ('total' in a) return ch ? `toFloat64(sum(${a.total}))` : `CAST(sum(${a.total}) AS DOUBLE)`;
  const num = a.of.map((c) => `sum(${c})`).join(' - ');
  const scaled = (x: string) => (a.scale ? `${a.scale} * ${x}` : x);
  return ch
    ? `if(sum(${a.per}) = 0, NULL, ${scaled(`toFloat64(${num})`)} / sum(${a.per}))`
    : `CASE WHEN sum(${a.per}) = 0 THEN NULL ELSE ${scaled(`CAST(${num} AS DOUBLE)`)} / sum(${a.per}) END`;
}

const TAIL = ['GROUP BY bucket_local_ms, grp', 'ORDER BY bucket_local_ms, grp'];

function contribSql(dialect: Dialect, q: Extract<KpiSql, { source: 'contrib' }>): string {
  const fields = Object.entries(q.fields).map(([name, a]) => `       ${agg(dialect, a)} AS ${name}`);
  if (dialect === 'clickhouse') {
    return [
      `SELECT ${bucket(dialect, 'minute_ms')},`,
      `       ${group(dialect)},`,
      fields.join(',\n'),
      'FROM (',
      `  SELECT minute_ms, ${DIMS.join(', ')}, ${q.columns.join(', ')}`,
      '  FROM kpi_minute_contrib FINAL',
      '  WHERE minute_ms >= {from_ms:Int64} AND minute_ms < {to_ms:Int64}',
      ...filters(dialect).map((f) => `  ${f}`),
      ')',
      ...TAIL,
    ].join('\n');
  }
  return [
    'SELECT bucket_local_ms, grp,',
    fields.join(',\n'),
    'FROM (',
    `  SELECT ${bucket(dialect, 'CAST(epoch_ms(minute) AS BIGINT)')},`,
    `         ${group(dialect)}, *`,
    '  FROM kpi_minute_contrib',
    '  WHERE minute >= epoch_ms({from_ms:Int64}) AND minute < epoch_ms({to_ms:Int64})',
    ...filters(dialect).map((f) => `  ${f}`),
    ')',
    ...TAIL,
  ].join('\n');
}

const DISTRIBUTION_FIELDS: Record<Dialect, string[]> = {
  clickhouse: [
    'toFloat64(sum(x)) / count(x) AS value',
    'toInt64(count(x)) AS count',
    'arrayElement(arraySort(groupArray(x)), toUInt64(ceil(count(x) * 0.5))) AS p50_ms',
    'arrayElement(arraySort(groupArray(x)), toUInt64(ceil(count(x) * 0.9))) AS p90_ms',
  ],
  duckdb: [
    'CAST(sum(x) AS DOUBLE) / count(x) AS value',
    'CAST(count(x) AS BIGINT) AS count',
    'quantile_disc(x, 0.5) AS p50_ms',
    'quantile_disc(x, 0.9) AS p90_ms',
  ],
};

function factsSql(dialect: Dialect, q: Extract<KpiSql, { source: 'facts' }>): string {
  const fields = DISTRIBUTION_FIELDS[dialect].map((f) => `       ${f}`).join(',\n');
  if (dialect === 'clickhouse') {
    const t = `${q.time}_ms`;
    const keep = !q.keep ? '1' : 'nonNegative' in q.keep ? `if(${q.keep.nonNegative} >= 0, 1, 0)` : `if(${q.keep.notNull}_ms IS NULL, 0, 1)`;
    const key = q.key.join(', ');
    const keyIn = q.key.length > 1 ? `(${key})` : key;
    return [
      `SELECT ${bucket(dialect, 'assumeNotNull(t_ms)')},`,
      `       ${group(dialect)},`,
      fields,
      'FROM (',
      '  SELECT tupleElement(latest, 1) AS t_ms, tupleElement(latest, 2) AS x, tupleElement(latest, 3) AS keep,',
      '         tupleElement(latest, 4) AS channel, tupleElement(latest, 5) AS source, tupleElement(latest, 6) AS team,',
      '         tupleElement(latest, 7) AS agent, tupleElement(latest, 8) AS tag',
      '  FROM (',
      `    SELECT ${key}, argMax(tuple(${t}, ${q.x}, ${keep}, ${DIMS.join(', ')}), version) AS latest`,
      `    FROM ${q.table}`,
      `    WHERE ${keyIn} IN (`,
      `      SELECT ${key} FROM ${q.table}`,
      `      WHERE ${t} >= {from_ms:Int64} AND ${t} < {to_ms:Int64})`,
      `    GROUP BY ${key}`,
      '  )',
      ')',
      'WHERE t_ms >= {from_ms:Int64} AND t_ms < {to_ms:Int64} AND keep = 1 AND x IS NOT NULL',
      ...filters(dialect).map((f) => `  ${f}`),
      ...TAIL,
    ].join('\n');
  }
  const keep = !q.keep ? 'true' : 'nonNegative' in q.keep ? `${q.keep.nonNegative} >= 0` : `${q.keep.notNull} IS NOT NULL`;
  return [
    'SELECT bucket_local_ms, grp,',
    fields,
    'FROM (',
    `  SELECT ${bucket(dialect, `CAST(epoch_ms(${q.time}) AS BIGINT)`)},`,
    `         ${group(dialect)}, ${q.x} AS x`,
    `  FROM ${q.table}`,
    `  WHERE ${q.time} >= epoch_ms({from_ms:Int64}) AND ${q.time} < epoch_ms({to_ms:Int64}) AND ${q.x} IS NOT NULL AND ${keep}`,
    ...filters(dialect).map((f) => `  ${f}`),
    ')',
    ...TAIL,
  ].join('\n');
}

/** The SQL of a catalogue recipe in one dialect. */
export function kpiSql(dialect: Dialect, q: KpiSql): string {
  return (q.source === 'contrib' ? contribSql(dialect, q) : factsSql(dialect, q)) + '\n';
}

/** Named query → recipe, for every catalogue KPI whose query is generated (the others are files in sql/queries). */
export const GENERATED_KPI_QUERIES: ReadonlyMap<string, KpiSql> = new Map(
  Object.values(KPI_CATALOGUE).flatMap((def): Array<[string, KpiSql]> => ('sql' in def && def.sql ? [[def.query, def.sql]] : [])),
);
