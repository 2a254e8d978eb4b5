import type { EventEnvelope, EventType } from '../../shared/envelope.js';
import { CONTRIBUTION_TABLES, dedupeByKey, TABLES, type TableName } from '../../shared/tables.js';

/**
 * Test support: the warehouse's upsert rule in memory (per table key, the
 * highest version wins, the last write on ties), to read back what a sink
 * holds after any sequence of appends.
 */
export class UpsertTables {
  private readonly tables = new Map<string, Map<string, Record<string, unknown>>>();
  append(table: TableName, rows: Array<Record<string, unknown>>): void {
    const spec = TABLES[table];
    const t = this.tables.get(table) ?? new Map<string, Record<string, unknown>>();
    this.tables.set(table, t);
    for (const row of dedupeByKey(spec, rows)) {
      const k = spec.key.map((c) => String(row[c])).join('\u0000');
      const prev = t.get(k);
      const version = 'version' in spec ? spec.version : undefined;
      if (!prev || !version || Number(row[version]) >= Number(prev[version])) t.set(k, row);
    }
  }
  /** Warehouse.discardContributions in memory. */
  discard(partition: number, fromOffset: number): void {
    for (const table of CONTRIBUTION_TABLES) {
      const t = this.tables.get(table);
      if (!t) continue;
      for (const [k, row] of t) if (row.bus_partition === partition && Number(row.batch_offset) >= fromOffset) t.delete(k);
    }
  }
  rows<T>(table: TableName): T[] {
    return [...(this.tables.get(table)?.values() ?? [])] as T[];
  }
}

let n = 0;
/** A self-describing event (states every dimension) for KPI tests. */
export function kpiEvent(over: Partial<EventEnvelope> & { type: EventType; occurred_at: number }): EventEnvelope {
  n += 1;
  return {
    id: `e${n}`,
    producer: 'test',
    channel: 'web',
    received_at: over.occurred_at,
    customer_key: 'ext:c1',
    customer: { external_id: 'c1' },
    conversation_id: null,
    agent_id: null,
    ...over,
    properties: over.properties ?? {},
  };
}
