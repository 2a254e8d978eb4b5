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

/** An events row with fixed values but its id (and properties). */
const eventRow = (id: string, properties = '{}') => ({
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
  properties,
});

describe('DuckDB group commit', () => {
  it('writes the tables of a round in one transaction; a failing table fails only its own appends', async () => {
    const wh = await DuckDbWarehouse.open(':memory:');
    try {
      await wh.migrate();
      const letter = (ref: string) => ({ source: 'x', ref, code: 'C', reason: 'r', payload: 'p', failed_at: 1_000 });
      // Same tick: one round. A NULL in a NOT NULL column fails the events table only.
      const good = wh.append('dead_letters', [letter('a'), letter('b')]);
      const bad = wh.append('events', [{ ...eventRow('e1'), channel: null as unknown as string }]);
      await expect(bad).rejects.toThrow();
      await expect(good).resolves.toBeUndefined();
      expect((await wh.sql<{ n: string }>('SELECT count(*) AS n FROM dead_letters'))[0].n).toBe('2');
      // Rounds of several tables that all succeed commit all of them.
      await Promise.all([wh.append('dead_letters', [letter('c')]), wh.append('events', [eventRow('e2'), eventRow('e3')])]);
      expect((await wh.sql<{ n: string }>('SELECT count(*) AS n FROM events'))[0].n).toBe('2');
      expect((await wh.sql<{ n: string }>('SELECT count(*) AS n FROM dead_letters'))[0].n).toBe('3');
    } finally {
      await wh.close();
    }
  });

  it('skips or replaces stored rows exactly as the conflict clauses say, whatever round and path they arrive in', async () => {
    // Steps of concurrent appends (one round, several tables), small (appender) and large (bulk file), with keys
    // seen before: events keep the first row of a key, contributions the highest version (versions distinct).
    const append = fc.record({
      table: fc.constantFrom('events' as const, 'channel_minute_contrib' as const),
      keys: fc.uniqueArray(fc.integer({ min: 0, max: 80 }), { minLength: 1, maxLength: 60 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(append, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 6 }), fc.integer(), async (steps, seed) => {
        const wh = await DuckDbWarehouse.open(':memory:');
        try {
          await wh.migrate();
          const events = new Set<number>();
          const contrib = new Map<number, number>();
          let v = Math.abs(seed) % 997;
          for (const step of steps) {
            const writes = step.map(({ table, keys }) => {
              if (table === 'events') {
                keys.forEach((k) => events.add(k));
                return wh.append(
                  table,
                  keys.map((k) => eventRow(`e${k}`, `{"k":${k}}`)),
                );
              }
              const rows = keys.map((k) => {
                v = (v * 7919 + 13) % 1_000_003; // distinct enough; ties resolved below by the same rule
                const version = v * 100 + k;
                if ((contrib.get(k) ?? -1) < version) contrib.set(k, version);
                return { bus_partition: 0, batch_offset: k, minute: 60_000, channel: 'web', events: version, conversations: 0, version };
              });
              return wh.append(table, rows);
            });
            await Promise.all(writes);
          }
          const storedEvents = await wh.sql<{ id: string; properties: string }>('SELECT id, properties FROM events ORDER BY id');
          expect(storedEvents.map((r) => r.id).sort()).toEqual([...events].map((k) => `e${k}`).sort());
          for (const r of storedEvents) expect(r.properties).toBe(`{"k":${r.id.slice(1)}}`);
          const storedContrib = await wh.sql<{ batch_offset: string; events: string; version: string }>(
            'SELECT batch_offset, events, version FROM channel_minute_contrib',
          );
          expect(new Map(storedContrib.map((r) => [Number(r.batch_offset), Number(r.version)]))).toEqual(contrib);
          for (const r of storedContrib) expect(r.events).toBe(r.version);
        } finally {
          await wh.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});
