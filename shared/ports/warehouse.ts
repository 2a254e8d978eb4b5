import type { ErasableTable, EraseWhere } from '../erasure.js';
import type { RowOf, TableName } from '../tables.js';

export type QueryParams = Record<string, string | number | boolean | Date | Array<string | number> | null | undefined>;

/**
 * Warehouse port: appends batches and runs named queries from `sql/queries`.
 * Adapters: DuckDB file (embedded default) and ClickHouse.
 */
export interface Warehouse {
  /** Applies pending forward-only migrations; idempotent. Returns the ones applied now. */
  migrate(): Promise<string[]>;
  /**
   * Appends rows of `table` (its columns as `shared/tables.ts` defines them). Idempotent per the
   * table's key: appending the same rows again never duplicates them, and for
   * upsert tables the row with the highest version wins.
   */
  append<T extends TableName>(table: T, rows: ReadonlyArray<RowOf<T>>): Promise<void>;
  /**
   * Deletes the rows of the contribution tables (`CONTRIBUTION_TABLES`) that batches of this bus partition
   * starting at or after `fromOffset` wrote. A stream worker calls it before it (re)processes a partition from
   * `fromOffset` (after a start, a rebalance or a failed attempt), so rows an earlier attempt cut differently
   * never add to the replay's. Rows written after the call are not affected (ClickHouse: a mutation applies
   * only to the parts that exist when it is submitted).
   */
  discardContributions(partition: number, fromOffset: number): Promise<void>;
  /**
   * Erasure (docs/privacy.md): deletes the rows of `table` whose `where.column` is one of `where.in`. Idempotent
   * (a second call finds nothing). Resolves once readers no longer see the rows: DuckDB deletes and checkpoints
   * (so the bytes leave the file); ClickHouse submits `ALTER TABLE … DELETE` and waits for the mutation in
   * `system.mutations` to be done. Returns how many rows matched before the delete.
   */
  eraseRows<T extends ErasableTable>(table: T, where: EraseWhere<T>): Promise<number>;
  /** Runs the named query `sql/queries/<name>.sql` with typed, bound parameters. */
  query<T = Record<string, unknown>>(name: string, params?: QueryParams): Promise<T[]>;
  close(): Promise<void>;
}
