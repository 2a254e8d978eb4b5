import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostileString, warehouseContract } from '../test/contracts/warehouse.contract.js';
import { DuckDbWarehouse } from './duckdb/duckdb-warehouse.js';
import { toDuckDbPrepared } from './sql-params.js';

warehouseContract('DuckDB', { dialect: 'duckdb', open: () => DuckDbWarehouse.open(':memory:') });

describe('DuckDB parameter binding', () => {
  it('echoes hostile strings and string arrays from a SELECT byte for byte', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      await fc.assert(
        fc.asyncProperty(hostileString(), async (s) => {
          const { sql, values } = toDuckDbPrepared('SELECT {s:String} AS s, {n:Nullable(String)} IS NULL AS isnull', { s, n: null });
          const rows = (await conn.runAndReadAll(sql, values as Record<string, string | null>)).getRowObjectsJson();
          expect(rows).toEqual([{ s, isnull: true }]);
        }),
        { numRuns: 200, seed: 99 },
      );
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });
});
