import type { TableName } from './tables.js';

/**
 * The warehouse tables that name a customer or their conversations, and the columns an erasure may select rows
 * by (docs/privacy.md, "Erasure"). Closed on purpose: callers pick a table and a column from this list and pass
 * values; no caller ever writes SQL. `audit_log` is not here (its rows keep their place in the hash chain) and
 * neither are the aggregates (`kpi_minute_contrib`, `channel_minute_contrib`: no personal data).
 */
export const ERASABLE_COLUMNS = {
  events: ['customer_key', 'conversation_id'],
  conversations: ['customer_id'],
  conversation_facts: ['customer_key', 'conversation_id'],
  response_times: ['conversation_id'],
  deal_facts: ['customer_key', 'conversation_id'],
  identity_merges: ['customer_id', 'other_id'],
} as const satisfies Partial<Record<TableName, readonly string[]>>;

export type ErasableTable = keyof typeof ERASABLE_COLUMNS;

/** Which rows of `T` to delete: those whose `column` equals one of `in` (an empty list deletes nothing). */
export interface EraseWhere<T extends ErasableTable = ErasableTable> {
  column: (typeof ERASABLE_COLUMNS)[T][number];
  in: readonly string[];
}

/** Throws unless `table` and `where.column` are in `ERASABLE_COLUMNS` (a runtime guard for untyped callers). */
export function checkEraseWhere(table: string, where: { column: string; in: readonly unknown[] }): void {
  const cols = (ERASABLE_COLUMNS as Record<string, readonly string[] | undefined>)[table];
  if (!cols || !cols.includes(where.column)) throw new Error(`eraseRows: ${table}.${where.column} is not an erasable column`);
  if (!where.in.every((v) => typeof v === 'string')) throw new Error('eraseRows: values must be strings');
}
