import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KPI_CATALOGUE, KPI_NAMES, kpiDef, type KpiSql } from '../shared/kpi-catalogue.js';
import type { Warehouse } from '../shared/ports/warehouse.js';
import { requireEngine, uniqueName } from '../test/contracts/engines.js';
import { ClickHouseWarehouse } from './clickhouse/clickhouse-warehouse.js';
import { DuckDbWarehouse } from './duckdb/duckdb-warehouse.js';
import { GENERATED_KPI_QUERIES, kpiSql } from './kpi-sql.js';
import { NamedQueries } from './named-queries.js';

const DIALECTS = ['clickhouse', 'duckdb'] as const;
const FROM = Date.UTC(2025, 2, 3, 0, 0);
const TO = FROM + 86_400_000;
const params = (groupBy: string) => ({
  from_ms: FROM,
  to_ms: TO,
  bucket_s: 3600,
  group_by: groupBy,
  channel: null,
  source: null,
  team: null,
  agent: null,
  tag: null,
  tz_offset_ms: 8 * 3600_000,
  tz_change_at_ms: [],
  tz_change_offset_ms: [],
});

describe('KPI SQL generated from the catalogue', () => {
  it('gives every catalogue KPI a named query in both dialects, generated from its recipe or a file', () => {
    for (const dialect of DIALECTS) {
      const queries = new NamedQueries(dialect);
      for (const kpi of KPI_NAMES) {
        const def = kpiDef(kpi);
        const sql = queries.get(def.query);
        expect(sql, `${dialect} ${kpi}`).toMatch(/bucket_local_ms/);
        if (def.sql) expect(sql).toBe(kpiSql(dialect, def.sql));
      }
    }
    // Most KPIs are one catalogue entry: their recipe is the only place their SQL is written.
    expect(GENERATED_KPI_QUERIES.size).toBeGreaterThanOrEqual(13);
  });

  it('adds a KPI by one recipe: a new contributions ratio yields SQL for both dialects', () => {
    const recipe: KpiSql = { source: 'contrib', columns: ['deals', 'inquiries'], fields: { value: { of: ['deals'], per: 'inquiries' } } };
    expect(kpiSql('clickhouse', recipe)).toContain('if(sum(inquiries) = 0, NULL, toFloat64(sum(deals)) / sum(inquiries)) AS value');
    expect(kpiSql('duckdb', recipe)).toContain('CASE WHEN sum(inquiries) = 0 THEN NULL ELSE CAST(sum(deals) AS DOUBLE) / sum(inquiries) END AS value');
  });
});

describe('every catalogue KPI query runs on DuckDB and ClickHouse 18.16', () => {
  const warehouses: Array<[string, Warehouse]> = [];
  let chDb = '';
  beforeAll(async () => {
    chDb = uniqueName('kpisql');
    warehouses.push(
      ['duckdb', await DuckDbWarehouse.open(':memory:')],
      ['clickhouse', new ClickHouseWarehouse({ url: requireEngine('clickhouse').clickhouseUrl, database: chDb })],
    );
    for (const [, wh] of warehouses) await wh.migrate();
  }, 60_000);
  afterAll(async () => {
    for (const [, wh] of warehouses) await wh.close().catch(() => undefined);
    const admin = new ClickHouseWarehouse({ url: requireEngine('clickhouse').clickhouseUrl });
    await admin.command(`DROP DATABASE IF EXISTS ${chDb}`).catch(() => undefined);
    await admin.close();
  });

  it('runs the query of each KPI for each of its groupings', async () => {
    for (const [name, wh] of warehouses) {
      for (const kpi of KPI_NAMES) {
        const def = KPI_CATALOGUE[kpi];
        for (const groupBy of def.groupBys) {
          const rows = await wh.query(def.query, params(groupBy));
          expect(Array.isArray(rows), `${name} ${kpi} by ${groupBy}`).toBe(true);
        }
      }
    }
  }, 120_000);
});
