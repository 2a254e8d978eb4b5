import { afterAll, describe, expect, it } from 'vitest';
import { requireEngine, uniqueName } from '../test/contracts/engines.js';
import { TABLES, type ColumnType, type TableName } from '../shared/tables.js';
import { ClickHouseWarehouse } from './clickhouse/clickhouse-warehouse.js';
import { DuckDbWarehouse } from './duckdb/duckdb-warehouse.js';

/**
 * The one definition of each table (shared/tables.ts) against the live schemas that the migrations of both
 * dialects build (sql/ddl/*.sql on ClickHouse, sql/ddl/duckdb/*.sql on DuckDB): the same column names, and types
 * the adapters can write. A column added to the definition, or to one dialect's DDL only, fails here.
 */
const tables = Object.keys(TABLES) as TableName[];
const nullable = (t: ColumnType) => t.startsWith('nullable_');

/** What DuckDB's information_schema calls each column type (nullability is not declared in DuckDB's DDL). */
function duckType(t: ColumnType): RegExp {
  switch (t.replace('nullable_', '')) {
    case 'int':
      return /^(BIGINT|INTEGER)$/;
    case 'float':
      return /^DOUBLE$/;
    case 'ms':
      return /^TIMESTAMP$/;
    default:
      return /^VARCHAR$/;
  }
}

/** The ClickHouse columns of one definition column: an `ms` column is a DateTime plus its exact `<name>_ms`. */
function clickHouseColumns(name: string, t: ColumnType): Array<[string, RegExp]> {
  const wrap = (inner: string) => new RegExp(nullable(t) ? `^Nullable\\((${inner})\\)$` : `^(${inner})$`);
  switch (t.replace('nullable_', '')) {
    case 'int':
      return [[name, wrap('U?Int(8|16|32|64)')]];
    case 'float':
      return [[name, wrap('Float64')]];
    case 'ms':
      return [
        [name, wrap("DateTime(\\('UTC'\\))?")],
        [`${name}_ms`, wrap('Int64')],
      ];
    default:
      return [[name, wrap('String')]];
  }
}

describe('table definitions (shared/tables.ts) match the migrated schemas', () => {
  it('DuckDB: every table has exactly the defined columns, with compatible types', async () => {
    const wh = await DuckDbWarehouse.open(':memory:');
    try {
      await wh.migrate();
      for (const table of tables) {
        const cols = await wh.sql<{ column_name: string; data_type: string }>(
          `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' AND table_name = '${table}' ORDER BY ordinal_position`,
        );
        const spec = TABLES[table].columns as Record<string, ColumnType>;
        expect(cols.map((c) => c.column_name).sort(), table).toEqual(Object.keys(spec).sort());
        for (const c of cols) expect(c.data_type, `${table}.${c.column_name}`).toMatch(duckType(spec[c.column_name]));
      }
    } finally {
      await wh.close();
    }
  });

  const databases: string[] = [];
  afterAll(async () => {
    if (databases.length === 0) return;
    const admin = new ClickHouseWarehouse({ url: requireEngine('clickhouse').clickhouseUrl });
    for (const db of databases) await admin.command(`DROP DATABASE IF EXISTS ${db}`).catch(() => undefined);
    await admin.close();
  });

  it('ClickHouse: every table has exactly the defined columns (ms as DateTime + _ms), with compatible types and nullability', async () => {
    const database = uniqueName('ddl');
    databases.push(database);
    const wh = new ClickHouseWarehouse({ url: requireEngine('clickhouse').clickhouseUrl, database });
    try {
      await wh.migrate();
      for (const table of tables) {
        const cols = await wh.sql<{ name: string; type: string }>(
          `SELECT name, type FROM system.columns WHERE database = '${database}' AND table = '${table}'`,
        );
        const spec = TABLES[table].columns as Record<string, ColumnType>;
        const expected = new Map(Object.entries(spec).flatMap(([name, t]) => clickHouseColumns(name, t)));
        expect(cols.map((c) => c.name).sort(), table).toEqual([...expected.keys()].sort());
        for (const c of cols) expect(c.type, `${table}.${c.name}`).toMatch(expected.get(c.name)!);
      }
    } finally {
      await wh.close();
    }
  });
});
