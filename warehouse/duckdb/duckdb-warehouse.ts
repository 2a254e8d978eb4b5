import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDBInstance, listValue, timestampValue, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { checkEraseWhere, type ErasableTable, type EraseWhere } from '../../shared/erasure.js';
import { OmnilaneError } from '../../shared/errors.js';
import type { QueryParams, Warehouse } from '../../shared/ports/warehouse.js';
import { NamedQueries, migrationFiles, splitStatements } from '../named-queries.js';
import { toDuckDbPrepared } from '../sql-params.js';
import { CONTRIBUTION_TABLES, TABLES, dedupeByKey, type RowOf, type TableName, type TableSpec } from '../../shared/tables.js';

const ERASE_CHUNK = 500;

/** Serialises async work: DuckDB's staging table and transactions must not interleave. */
class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

interface PendingGroup {
  rows: Array<Record<string, unknown>>;
  waiters: Array<{ resolve: () => void; reject: (err: unknown) => void }>;
}

function toDuckValue(v: unknown): DuckDBValue {
  if (Array.isArray(v)) return listValue(v as DuckDBValue[]);
  return v as DuckDBValue;
}

/** How a column is read from the bulk-load JSON and turned into its table type. */
function loadColumn(col: string, type: TableSpec['columns'][string]): { json: string; select: string } {
  switch (type) {
    case 'ms':
    case 'nullable_ms':
      return { json: 'BIGINT', select: `epoch_ms(${col})` };
    case 'int':
    case 'nullable_int':
      return { json: 'BIGINT', select: col };
    case 'float':
    case 'nullable_float':
      return { json: 'DOUBLE', select: col };
    default:
      return { json: 'VARCHAR', select: col };
  }
}

/**
 * The rows as the bulk load reads them, values normalised the way the appender wrote them (times and integers
 * truncated, non-strings in text columns as JSON); undefined when a float is not finite (JSON has no NaN), so the
 * caller falls back to the appender.
 */
function loadRows(cols: Array<[string, TableSpec['columns'][string]]>, rows: ReadonlyArray<Record<string, unknown>>): unknown[] | undefined {
  const out: unknown[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const o: Record<string, unknown> = {};
    for (const [col, type] of cols) {
      const v = row[col];
      if (v === null || v === undefined) {
        o[col] = null;
        continue;
      }
      switch (type) {
        case 'ms':
        case 'nullable_ms':
        case 'int':
        case 'nullable_int':
          o[col] = typeof v === 'number' && Number.isSafeInteger(v) ? v : Math.trunc(Number(v));
          break;
        case 'float':
        case 'nullable_float': {
          const n = Number(v);
          if (!Number.isFinite(n)) return undefined;
          o[col] = n;
          break;
        }
        default:
          o[col] = typeof v === 'string' ? v : JSON.stringify(v);
      }
    }
    out[i] = o;
  }
  return out;
}

/**
 * True when every value already has the type its column is loaded as (integers for times and ints, finite numbers
 * for floats, strings for text): the rows can then be written as they are (read_json ignores other properties).
 * read_json rounds a fractional BIGINT where the appender truncated, so such rows are normalised first.
 */
function conforms(cols: Array<[string, TableSpec['columns'][string]]>, rows: ReadonlyArray<Record<string, unknown>>): boolean {
  for (const row of rows) {
    for (const [col, type] of cols) {
      const v = row[col];
      if (v === null || v === undefined) continue;
      switch (type) {
        case 'ms':
        case 'nullable_ms':
        case 'int':
        case 'nullable_int':
          if (!Number.isSafeInteger(v)) return false;
          break;
        case 'float':
        case 'nullable_float':
          if (typeof v !== 'number' || !Number.isFinite(v)) return false;
          break;
        default:
          if (typeof v !== 'string') return false;
      }
    }
  }
  return true;
}

/** Below this many rows the appender is cheaper than a file round trip. */
const BULK_MIN_ROWS = 32;
/**
 * Rounds a table is written with its conflict clause after a plain INSERT of it met a stored key. DuckDB's
 * `ON CONFLICT` costs ~12 ms per statement beyond the insert itself (measured on 360 rows into 200,000: 20 ms
 * against 8), and a stored key is rare for most tables (a redelivered batch): those go in plain first. A table
 * whose rows often exist already (conversations are upserted as they change) fails once, then keeps its
 * clause for this many rounds before a plain insert is tried again.
 */
const CLAUSE_ROUNDS = 1000;

/**
 * Warehouse adapter on a DuckDB file (the embedded default). Appends go in as
 * one INSERT … SELECT … ON CONFLICT per table and flush, so a replayed batch
 * never duplicates rows and newer versions replace older ones. Larger groups
 * are handed to DuckDB as one JSON file (read_json, parsed by DuckDB's own
 * threads, not the event loop); small ones through the appender and a temp
 * staging table.
 */
export class DuckDbWarehouse implements Warehouse {
  private readonly writes = new SerialQueue();
  /** Rows waiting for the writer, per table (see append). */
  private readonly pending = new Map<TableName, PendingGroup>();
  private readonly queries = new NamedQueries('duckdb');
  private loads = 0;
  /** A flushPending job is queued and has not started: later appends join its round. */
  private flushQueued = false;
  /** Rounds written so far, and per table the round up to which it keeps its conflict clause (CLAUSE_ROUNDS). */
  private rounds = 0;
  private readonly clauseUntil = new Map<TableName, number>();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly writer: DuckDBConnection,
    private readonly reader: DuckDBConnection,
    /** Where bulk-load files are written for the moment of their INSERT (private: they hold rows). */
    private readonly loadDir: string,
  ) {}

  /** Opens (or creates) the database file; `:memory:` for a throwaway one. */
  static async open(path: string): Promise<DuckDbWarehouse> {
    let loadDir: string;
    if (path !== ':memory:') {
      mkdirSync(dirname(path), { recursive: true });
      // Beside the database, under DATA_DIR (owner-only); files a crash left behind are dropped here.
      loadDir = `${path}.load`;
      rmSync(loadDir, { recursive: true, force: true });
      mkdirSync(loadDir, { recursive: true, mode: 0o700 });
    } else {
      loadDir = mkdtempSync(join(tmpdir(), 'omnilane-duckdb-load-'));
    }
    const instance = await DuckDBInstance.create(path);
    const writer = await instance.connect();
    const reader = await instance.connect();
    return new DuckDbWarehouse(instance, writer, reader, loadDir);
  }

  async migrate(): Promise<string[]> {
    return this.writes.run(async () => {
      await this.writer.run('CREATE TABLE IF NOT EXISTS schema_migrations (version VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL)');
      const done = new Set((await this.writer.runAndReadAll('SELECT version FROM schema_migrations')).getRowObjectsJson().map((r) => r.version as string));
      const applied: string[] = [];
      for (const m of migrationFiles('duckdb')) {
        if (done.has(m.version)) continue;
        try {
          await this.writer.run('BEGIN TRANSACTION');
          for (const stmt of splitStatements(readFileSync(m.file, 'utf8'))) await this.writer.run(stmt);
          await this.writer.run('INSERT INTO schema_migrations VALUES ($v, now())', { v: m.version });
          await this.writer.run('COMMIT');
        } catch (err) {
          await this.writer.run('ROLLBACK').catch(() => undefined);
          throw new OmnilaneError('WH_ERR_MIGRATION', `migration ${m.version} failed: ${(err as Error).message}`, { cause: err });
        }
        applied.push(m.version);
      }
      for (const spec of Object.values(TABLES) as TableSpec[]) {
        await this.writer.run(`CREATE TEMP TABLE IF NOT EXISTS stage_${spec.name} AS SELECT * FROM ${spec.name} LIMIT 0`);
      }
      return applied;
    });
  }

  /**
   * Appends are group-committed: rows that arrive while the writer is busy
   * wait for it and then go in together, one INSERT per table, every table of
   * the round in one transaction (one commit instead of one per table and
   * append). Idle, an append is written at once; under load (several bus
   * partitions flushing at the same time) the statements and commits per row
   * fall. Each call still resolves only after its own rows are committed; a
   * round that fails is retried table by table, so one table's failure fails
   * only the appends to that table.
   */
  append<T extends TableName>(table: T, rows: ReadonlyArray<RowOf<T>>): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    let group = this.pending.get(table);
    if (!group) {
      group = { rows: [], waiters: [] };
      this.pending.set(table, group);
    }
    for (const r of rows) group.rows.push(r);
    if (!this.flushQueued) {
      this.flushQueued = true;
      void this.writes.run(() => this.flushPending());
    }
    const g = group;
    return new Promise((resolve, reject) => g.waiters.push({ resolve, reject }));
  }

  /**
   * Writes every table's waiting rows (a job of the write queue): first as one round (one transaction when it
   * holds several tables), each table as a plain INSERT unless it met a stored key lately (CLAUSE_ROUNDS). A
   * round that fails, a stored key included, is rolled back and written again table by table, each with its
   * conflict clause: a replayed row is skipped or replaced by version exactly as before, only later.
   */
  private async flushPending(): Promise<void> {
    this.flushQueued = false;
    const groups = [...this.pending];
    this.pending.clear();
    const round = ++this.rounds;
    const tx = groups.length > 1;
    let writing: TableName | undefined;
    try {
      if (tx) await this.writer.run('BEGIN TRANSACTION');
      for (const [table, g] of groups) {
        writing = table;
        await this.writeRows(TABLES[table], g.rows, (this.clauseUntil.get(table) ?? 0) < round);
      }
      if (tx) await this.writer.run('COMMIT');
      for (const [, g] of groups) for (const w of g.waiters) w.resolve();
      return;
    } catch (err) {
      if (tx) await this.writer.run('ROLLBACK').catch(() => undefined);
      if (writing && /constraint/i.test((err as Error).message)) this.clauseUntil.set(writing, round + CLAUSE_ROUNDS);
    }
    for (const [table, g] of groups) {
      try {
        await this.writeRows(TABLES[table], g.rows, false);
        for (const w of g.waiters) w.resolve();
      } catch (err) {
        for (const w of g.waiters) w.reject(err);
      }
    }
  }

  private conflictClause(spec: TableSpec): string {
    const names = Object.keys(spec.columns);
    return spec.version
      ? `ON CONFLICT (${spec.key.join(', ')}) DO UPDATE SET ${names
          .filter((c) => !spec.key.includes(c))
          .map((c) => `${c} = excluded.${c}`)
          .join(', ')} WHERE excluded.${spec.version} >= ${spec.name}.${spec.version}`
      : 'ON CONFLICT DO NOTHING';
  }

  /** `plain`: without the conflict clause, so a row whose key is stored fails the statement (see flushPending). */
  private async writeRows(spec: TableSpec, rows: Array<Record<string, unknown>>, plain: boolean): Promise<void> {
    const unique = dedupeByKey(spec, rows);
    const cols = Object.entries(spec.columns);
    const json = unique.length < BULK_MIN_ROWS ? undefined : conforms(cols, unique) ? unique : loadRows(cols, unique);
    const onConflict = plain ? '' : ` ${this.conflictClause(spec)}`;
    if (json) await this.bulkLoad(spec, cols, json, onConflict);
    else await this.appendRows(spec, unique, onConflict);
  }

  /**
   * One JSON file, one INSERT: JSON.stringify is one native call on the event loop; parsing and inserting happen
   * on DuckDB's threads. The file lives only for the statement.
   */
  private async bulkLoad(spec: TableSpec, cols: Array<[string, TableSpec['columns'][string]]>, rows: readonly unknown[], onConflict: string): Promise<void> {
    const file = join(this.loadDir, `${spec.name}-${this.loads++}.json`);
    await writeFile(file, JSON.stringify(rows), { mode: 0o600 });
    try {
      const load = cols.map(([c, t]) => loadColumn(c, t));
      const columns = cols.map(([c], i) => `'${c}': '${load[i].json}'`).join(', ');
      const path = file.replaceAll("'", "''");
      await this.writer.run(
        `INSERT INTO ${spec.name} (${cols.map(([c]) => c).join(', ')}) SELECT ${load.map((l) => l.select).join(', ')} ` +
          `FROM read_json('${path}', format = 'array', columns = {${columns}})${onConflict}`,
      );
    } finally {
      await unlink(file).catch(() => undefined);
    }
  }

  private async appendRows(spec: TableSpec, unique: Array<Record<string, unknown>>, onConflict: string): Promise<void> {
    const stage = `stage_${spec.name}`;
    const appender = await this.writer.createAppender(stage, null, 'temp');
    const cols = Object.entries(spec.columns);
    for (const row of unique) {
      for (const [col, type] of cols) {
        const v = row[col];
        if (v === null || v === undefined) {
          appender.appendNull();
          continue;
        }
        switch (type) {
          case 'ms':
          case 'nullable_ms':
            appender.appendTimestamp(timestampValue(BigInt(Math.trunc(Number(v))) * 1000n));
            break;
          case 'int':
          case 'nullable_int':
            if (col === 'bus_partition') appender.appendInteger(Number(v));
            else appender.appendBigInt(BigInt(Math.trunc(Number(v))));
            break;
          case 'float':
          case 'nullable_float':
            appender.appendDouble(Number(v));
            break;
          default:
            appender.appendVarchar(typeof v === 'string' ? v : JSON.stringify(v));
        }
      }
      appender.endRow();
    }
    appender.flushSync();
    appender.closeSync();
    const names = cols.map(([c]) => c);
    try {
      await this.writer.run(`INSERT INTO ${spec.name} (${names.join(', ')}) SELECT ${names.join(', ')} FROM ${stage}${onConflict}`);
    } catch (err) {
      // In a failed round's transaction this DELETE fails too (its ROLLBACK empties the stage): the INSERT's
      // error is the one to report.
      await this.writer.run(`DELETE FROM ${stage}`).catch(() => undefined);
      throw err;
    }
    await this.writer.run(`DELETE FROM ${stage}`);
  }

  async discardContributions(partition: number, fromOffset: number): Promise<void> {
    // Through the write queue, so it lands after every append already queued and before any later one.
    await this.writes.run(async () => {
      for (const t of CONTRIBUTION_TABLES) {
        await this.writer.run(`DELETE FROM ${TABLES[t].name} WHERE bus_partition = $p AND batch_offset >= $o`, {
          p: Math.trunc(partition),
          o: BigInt(Math.trunc(fromOffset)),
        });
      }
    });
  }

  async eraseRows<T extends ErasableTable>(table: T, where: EraseWhere<T>): Promise<number> {
    checkEraseWhere(table, where);
    const values = [...new Set(where.in)];
    if (values.length === 0) return 0;
    const name = TABLES[table].name;
    // Through the write queue (after every queued append); CHECKPOINT so the deleted rows leave the file too.
    return this.writes.run(async () => {
      let n = 0;
      for (let i = 0; i < values.length; i += ERASE_CHUNK) {
        const chunk = values.slice(i, i + ERASE_CHUNK);
        const bound = Object.fromEntries(chunk.map((v, j) => [`v${j}`, v]));
        const list = chunk.map((_v, j) => `$v${j}`).join(', ');
        const r = await this.writer.run(`DELETE FROM ${name} WHERE ${where.column} IN (${list})`, bound);
        n += Number(r.rowsChanged);
      }
      await this.writer.run('CHECKPOINT');
      return n;
    });
  }

  async query<T = Record<string, unknown>>(name: string, params: QueryParams = {}): Promise<T[]> {
    const { sql, values } = toDuckDbPrepared(this.queries.get(name), params);
    const bound: Record<string, DuckDBValue> = {};
    for (const [k, v] of Object.entries(values)) bound[k] = toDuckValue(v);
    try {
      const reader = await this.reader.runAndReadAll(sql, bound);
      return reader.getRowObjectsJson() as T[];
    } catch (err) {
      throw new OmnilaneError('WH_ERR_QUERY', `query ${name} failed: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Runs ad-hoc SQL (tests and the CLI's `sql` command for data engineers); never fed user values. */
  async sql<T = Record<string, unknown>>(text: string): Promise<T[]> {
    return (await this.reader.runAndReadAll(text)).getRowObjectsJson() as T[];
  }

  async close(): Promise<void> {
    await this.writes.run(async () => {
      this.reader.closeSync();
      this.writer.closeSync();
      this.instance.closeSync();
      rmSync(this.loadDir, { recursive: true, force: true });
    });
  }
}
