import { readFileSync } from 'node:fs';
import { createClient, type ClickHouseClient, ClickHouseLogLevel } from '@clickhouse/client';
import { checkEraseWhere, type ErasableTable, type EraseWhere } from '../../shared/erasure.js';
import { OmnilaneError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { OutageLog } from '../../shared/outage-log.js';
import type { QueryParams, Warehouse } from '../../shared/ports/warehouse.js';
import { NamedQueries, migrationFiles, splitStatements } from '../named-queries.js';
import { coerceParam, inlineParams, parsePlaceholders, quoteString } from '../sql-params.js';
import { CONTRIBUTION_TABLES, TABLES, dedupeByKey, type RowOf, type TableName, type TableSpec } from '../../shared/tables.js';

export interface ClickHouseWarehouseOptions {
  /** `http[s]://[user:pass@]host:port[/database]`. */
  url: string;
  /** Database to use (created by `migrate()`); default: the URL's path, else `default`. */
  database?: string;
  /**
   * How named-query parameters reach the server. `inline`: escaped literals
   * (the only way on 18.16); `server`: ClickHouse query parameters; `auto`
   * (default): server parameters from ClickHouse 23 on, inline before.
   */
  params?: 'auto' | 'inline' | 'server';
  /**
   * Write-behind coalescing: appends to the same table that arrive within
   * `maxDelayMs` of each other go out as one INSERT (at most `maxRows` rows).
   * Each `append()` still resolves only after the INSERT holding its rows has
   * succeeded, so offsets are never committed ahead of their writes. Off by
   * default (every append is its own INSERT, sent at once).
   */
  coalesce?: { maxRows: number; maxDelayMs: number };
  log?: Logger;
  requestTimeoutMs?: number;
  /** Rate-limited error log of the process: WH_ERR_UNAVAILABLE failures are reported there, and recoveries. */
  outages?: OutageLog;
  /** HTTPS with a private CA (CLICKHOUSE_CA_FILE), and a client certificate for mutual TLS; an https:// URL alone uses the system CAs. */
  tls?: { ca: Buffer; cert?: Buffer; key?: Buffer };
}

const ERASE_CHUNK = 500;

/** ClickHouse's error code from `Code: N, e.displayText() = …` (18.16) or the client's parsed `code`. */
export function clickHouseErrorCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^\d+$/.test(code)) return Number(code);
  const m = /Code:\s*(\d+)/.exec(String((err as Error | null)?.message ?? err));
  return m ? Number(m[1]) : undefined;
}

/** A failure to reach ClickHouse at all (refused, reset, timed out), as opposed to an error the server answered. */
export function isConnectionError(err: unknown): boolean {
  if (clickHouseErrorCode(err) !== undefined) return false;
  const e = err as { code?: string | number; message?: string } | null;
  return (
    /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE|UND_ERR_\w+)$/.test(String(e?.code ?? '')) ||
    /timeout|ECONNREFUSED|ECONNRESET|socket hang up|EHOSTUNREACH/i.test(String(e?.message ?? err))
  );
}

function whError(code: 'WH_ERR_QUERY' | 'WH_ERR_MIGRATION', what: string, err: unknown): OmnilaneError {
  const ch = clickHouseErrorCode(err);
  const text = String((err as Error | null)?.message ?? err)
    .split('\n')[0]
    .slice(0, 500);
  if (isConnectionError(err)) return new OmnilaneError('WH_ERR_UNAVAILABLE', `${what} failed: ClickHouse did not answer: ${text}`, { cause: err });
  const e = new OmnilaneError(code, `${what} failed${ch === undefined ? '' : ` (ClickHouse code ${ch})`}: ${text}`, { cause: err });
  return Object.assign(e, { clickhouseCode: ch });
}

const isoSeconds = (ms: number) => new Date(Math.trunc(ms)).toISOString();

/**
 * One row as JSONEachRow: each `ms` column X becomes X (DateTime, sent as ISO
 * and read with best_effort) plus X_ms (exact Int64 milliseconds).
 */
export function toClickHouseRow(spec: TableSpec, row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [col, type] of Object.entries(spec.columns)) {
    const v = row[col];
    const absent = v === null || v === undefined;
    switch (type) {
      case 'ms':
      case 'nullable_ms': {
        const ms = absent ? null : Math.trunc(Number(v));
        out[col] = ms === null ? null : isoSeconds(ms);
        out[`${col}_ms`] = ms;
        break;
      }
      case 'int':
      case 'nullable_int':
        out[col] = absent ? null : Math.trunc(Number(v));
        break;
      case 'float':
      case 'nullable_float':
        out[col] = absent ? null : Number(v);
        break;
      default:
        out[col] = absent ? null : typeof v === 'string' ? v : JSON.stringify(v);
    }
  }
  return out;
}

interface Pending {
  rows: Array<Record<string, unknown>>;
  waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }>;
  timer?: NodeJS.Timeout;
}

/**
 * Warehouse adapter on ClickHouse (18.16 and current). Tables are
 * ReplacingMergeTrees keyed like `warehouse/tables.ts`, and every named query
 * reads them deduplicated, so appending a batch again never double counts.
 */
export class ClickHouseWarehouse implements Warehouse {
  private readonly client: ClickHouseClient;
  private readonly database: string;
  private readonly queries = new NamedQueries('clickhouse');
  private serverParams?: Promise<boolean>;
  private readonly pending = new Map<TableName, Pending>();
  private closed = false;

  constructor(private readonly opts: ClickHouseWarehouseOptions) {
    const u = new URL(opts.url);
    this.database = opts.database ?? (u.pathname.length > 1 ? decodeURIComponent(u.pathname.slice(1)) : 'default');
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(this.database))
      throw new OmnilaneError('CFG_ERR_INVALID', `CLICKHOUSE_URL: bad database name ${JSON.stringify(this.database)}`);
    this.client = this.makeClient(this.database);
  }

  private makeClient(database: string): ClickHouseClient {
    const u = new URL(this.opts.url);
    u.pathname = '/';
    return createClient({
      url: u,
      database,
      request_timeout: this.opts.requestTimeoutMs ?? 60_000,
      clickhouse_settings: { date_time_input_format: 'best_effort' },
      log: { level: ClickHouseLogLevel.OFF },
      ...(this.opts.tls
        ? {
            tls:
              this.opts.tls.cert && this.opts.tls.key
                ? { ca_cert: this.opts.tls.ca, cert: this.opts.tls.cert, key: this.opts.tls.key }
                : { ca_cert: this.opts.tls.ca },
          }
        : {}),
    });
  }

  /** The database this adapter writes to. */
  get databaseName(): string {
    return this.database;
  }

  /** An outage (WH_ERR_UNAVAILABLE) goes to the rate-limited outage log; other errors are the caller's to log. */
  private reported(e: OmnilaneError): OmnilaneError {
    if (e.code === 'WH_ERR_UNAVAILABLE') this.opts.outages?.error('warehouse', e, 'clickhouse did not answer');
    return e;
  }

  /** Answers when the server answers /ping (health probes); WH_ERR_UNAVAILABLE otherwise. */
  async ping(): Promise<void> {
    const r = await this.client.ping();
    if (!r.success) throw new OmnilaneError('WH_ERR_UNAVAILABLE', `ClickHouse did not answer /ping: ${(r as { error?: Error }).error?.message ?? 'no answer'}`);
  }

  /** Server version as [major, minor]. */
  async serverVersion(): Promise<[number, number]> {
    const rs = await this.client.query({ query: 'SELECT version() AS v', format: 'JSONEachRow' });
    const [row] = await rs.json<{ v: string }>();
    const [maj, min] = row.v.split('.').map(Number);
    return [maj, min];
  }

  async migrate(): Promise<string[]> {
    const boot = this.makeClient('default');
    try {
      await boot.command({ query: `CREATE DATABASE IF NOT EXISTS ${this.database}` });
    } catch (err) {
      throw whError('WH_ERR_MIGRATION', `creating database ${this.database}`, err);
    } finally {
      await boot.close();
    }
    const applied: string[] = [];
    try {
      await this.client.command({
        query: "CREATE TABLE IF NOT EXISTS schema_migrations (version String, applied_at DateTime('UTC')) ENGINE = ReplacingMergeTree ORDER BY version",
      });
      const rs = await this.client.query({ query: 'SELECT DISTINCT version FROM schema_migrations', format: 'JSONEachRow' });
      const done = new Set((await rs.json<{ version: string }>()).map((r) => r.version));
      for (const m of migrationFiles('clickhouse')) {
        if (done.has(m.version)) continue;
        // ClickHouse DDL is not transactional: each statement is IF NOT EXISTS, so a
        // migration interrupted half-way simply runs again; it is recorded only at the end.
        for (const stmt of splitStatements(readFileSync(m.file, 'utf8'))) {
          try {
            await this.client.command({ query: stmt });
          } catch (err) {
            // No ADD COLUMN IF NOT EXISTS on 18.16: a re-run of an interrupted migration finds the column there.
            if (/\bADD COLUMN\b/i.test(stmt) && clickHouseErrorCode(err) === 15) continue;
            throw whError('WH_ERR_MIGRATION', `migration ${m.version}`, err);
          }
        }
        await this.client.insert({ table: 'schema_migrations', values: [{ version: m.version, applied_at: new Date().toISOString() }], format: 'JSONEachRow' });
        applied.push(m.version);
      }
    } catch (err) {
      if (err instanceof OmnilaneError) throw err;
      throw whError('WH_ERR_MIGRATION', 'migrations', err);
    }
    return applied;
  }

  async append<T extends TableName>(table: T, rows: ReadonlyArray<RowOf<T>>): Promise<void> {
    if (rows.length === 0) return;
    if (this.closed) throw new OmnilaneError('WH_ERR_QUERY', 'warehouse is closed');
    const spec: TableSpec = TABLES[table];
    const encoded = dedupeByKey(spec, rows).map((r) => toClickHouseRow(spec, r));
    const c = this.opts.coalesce;
    if (!c || c.maxDelayMs <= 0) return this.insert(spec, encoded);
    return new Promise<void>((resolve, reject) => {
      let p = this.pending.get(table);
      if (!p) {
        p = { rows: [], waiters: [] };
        this.pending.set(table, p);
        p.timer = setTimeout(() => void this.flush(table), c.maxDelayMs);
      }
      p.rows.push(...encoded);
      p.waiters.push({ resolve, reject });
      if (p.rows.length >= c.maxRows) void this.flush(table);
    });
  }

  /** Sends what is buffered for a table now (coalescing mode); resolves when the INSERT settled. */
  private async flush(table: TableName): Promise<void> {
    const p = this.pending.get(table);
    if (!p) return;
    this.pending.delete(table);
    clearTimeout(p.timer);
    try {
      await this.insert(TABLES[table], p.rows);
      for (const w of p.waiters) w.resolve();
    } catch (err) {
      for (const w of p.waiters) w.reject(err);
    }
  }

  private async insert(spec: TableSpec, values: Array<Record<string, unknown>>): Promise<void> {
    try {
      await this.client.insert({ table: spec.name, values, format: 'JSONEachRow' });
      this.opts.outages?.recovered('warehouse');
    } catch (err) {
      throw this.reported(whError('WH_ERR_QUERY', `insert into ${spec.name}`, err));
    }
  }

  /**
   * A mutation only where an earlier attempt left rows (a crash between the writes and the commit): a clean
   * restart costs one cheap count per table, and the mutation, which rewrites parts, stays rare. Mutations apply
   * to the parts present when submitted, so the replay's own inserts after this call are never deleted; until
   * the mutation has run, FINAL readers may still see the discarded rows (seconds).
   */
  async discardContributions(partition: number, fromOffset: number): Promise<void> {
    const p = Math.trunc(partition);
    const o = Math.trunc(fromOffset);
    for (const t of CONTRIBUTION_TABLES) {
      const name = TABLES[t].name;
      const [row] = await this.sql<{ n: string }>(`SELECT count() AS n FROM ${name} WHERE bus_partition = ${p} AND batch_offset >= ${o}`);
      if (Number(row?.n ?? 0) > 0) await this.command(`ALTER TABLE ${name} DELETE WHERE bus_partition = ${p} AND batch_offset >= ${o}`);
    }
  }

  /**
   * `ALTER TABLE … DELETE WHERE column IN (…)` (a mutation, asynchronous on every ClickHouse version), then waits
   * until `system.mutations` shows no unfinished mutation on the table, so readers no longer see the rows when this
   * resolves. Skips the mutation when no row matches (a re-run costs one count). Values are escaped literals
   * (`quoteString`): 18.16 has no query parameters.
   */
  async eraseRows<T extends ErasableTable>(table: T, where: EraseWhere<T>): Promise<number> {
    checkEraseWhere(table, where);
    const values = [...new Set(where.in)];
    if (values.length === 0) return 0;
    const name = TABLES[table].name;
    await this.flush(table);
    let n = 0;
    for (let i = 0; i < values.length; i += ERASE_CHUNK) {
      const cond = `${where.column} IN (${values
        .slice(i, i + ERASE_CHUNK)
        .map((v) => quoteString(v))
        .join(', ')})`;
      const [row] = await this.sql<{ n: string }>(`SELECT count() AS n FROM ${name} WHERE ${cond}`);
      const matched = Number(row?.n ?? 0);
      if (matched === 0) continue;
      n += matched;
      await this.command(`ALTER TABLE ${name} DELETE WHERE ${cond}`);
    }
    if (n > 0) await this.waitForMutations(name);
    return n;
  }

  private async waitForMutations(table: string, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (let wait = 20; ; wait = Math.min(wait * 2, 1000)) {
      const [row] = await this.sql<{ n: string }>(
        `SELECT count() AS n FROM system.mutations WHERE database = ${quoteString(this.database)} AND table = ${quoteString(table)} AND is_done = 0`,
      );
      if (Number(row?.n ?? 0) === 0) return;
      if (Date.now() > deadline) throw new OmnilaneError('WH_ERR_QUERY', `the delete mutation on ${table} did not finish within ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  private useServerParams(): Promise<boolean> {
    const mode = this.opts.params ?? 'auto';
    if (mode !== 'auto') return Promise.resolve(mode === 'server');
    if (!this.serverParams) {
      this.serverParams = this.serverVersion().then(
        ([maj]) => maj >= 23,
        () => {
          this.serverParams = undefined;
          return false;
        },
      );
    }
    return this.serverParams;
  }

  async query<T = Record<string, unknown>>(name: string, params: QueryParams = {}): Promise<T[]> {
    const text = this.queries.get(name);
    let request: { query: string; query_params?: Record<string, unknown> };
    if (await this.useServerParams()) {
      const query_params: Record<string, unknown> = {};
      for (const p of parsePlaceholders(text)) query_params[p.name] = coerceParam(p, params[p.name]);
      request = { query: text, query_params };
    } else {
      request = { query: inlineParams(text, params) };
    }
    try {
      const rs = await this.client.query({ ...request, format: 'JSONEachRow' });
      const rows = await rs.json<T>();
      this.opts.outages?.recovered('warehouse');
      return rows;
    } catch (err) {
      throw this.reported(whError('WH_ERR_QUERY', `query ${name}`, err));
    }
  }

  /**
   * Runs ad-hoc SQL and returns JSON rows (tests and data engineers' tooling);
   * never fed user values: those go through named queries.
   */
  async sql<T = Record<string, unknown>>(text: string): Promise<T[]> {
    try {
      const rs = await this.client.query({ query: text, format: 'JSONEachRow' });
      return await rs.json<T>();
    } catch (err) {
      throw whError('WH_ERR_QUERY', 'sql', err);
    }
  }

  /** Runs a statement without a result (tests: DROP DATABASE, OPTIMIZE …). */
  async command(text: string): Promise<void> {
    try {
      await this.client.command({ query: text });
    } catch (err) {
      throw whError('WH_ERR_QUERY', 'command', err);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all([...this.pending.keys()].map((t) => this.flush(t)));
    this.closed = true;
    await this.client.close();
  }
}
