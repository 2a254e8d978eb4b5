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

describe('DuckDB group commit', () => {
  it('writes the tables of a round in one transaction; a failing table fails only its own appends', async () => {
    const wh = await DuckDbWarehouse.open(':memory:');
    try {
      await wh.migrate();
      const letter = (ref: string) => ({ source: 'x', ref, code: 'C', reason: 'r', payload: 'p', failed_at: 1_000 });
      const event = (id: string) => ({
        producer: 'p',
        id,
        type: 't',
        channel: 'web',
        occurred_at: 1_000,
        received_at: 1_000,
        customer_key: 'c',
        conversation_id: null,
        agent_id: null,
        customer: '{}',
        properties: '{}',
      });
      // Same tick: one round. A NULL in a NOT NULL column fails the events table only.
      const good = wh.append('dead_letters', [letter('a'), letter('b')]);
      const bad = wh.append('events', [{ ...event('e1'), channel: null as unknown as string }]);
      await expect(bad).rejects.toThrow();
      await expect(good).resolves.toBeUndefined();
      expect((await wh.sql<{ n: string }>('SELECT count(*) AS n FROM dead_letters'))[0].n).toBe('2');
      // Rounds of several tables that all succeed commit all of them.
      await Promise.all([wh.append('dead_letters', [letter('c')]), wh.append('events', [event('e2'), event('e3')])]);
      expect((await wh.sql<{ n: string }>('SELECT count(*) AS n FROM events'))[0].n).toBe('2');
      expect((await wh.sql<{ n: string }>('SELECT count(*) AS n FROM dead_letters'))[0].n).toBe('3');
    } finally {
      await wh.close();
    }
  });
});
