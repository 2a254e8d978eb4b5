import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { OmnilaneError } from '../shared/errors.js';
import { projectRoot } from '../shared/paths.js';
import { GENERATED_KPI_QUERIES, kpiSql, type Dialect } from './kpi-sql.js';

export type { Dialect };

/**
 * Loads named queries: `sql/queries/<name>.sql` is ClickHouse SQL; a DuckDB
 * variant lives at `sql/queries/duckdb/<name>.sql` when the dialects differ.
 * KPI queries with a recipe in the KPI catalogue are generated instead (kpi-sql.ts).
 * Read once and cached: queries are part of the release, not runtime input.
 */
export class NamedQueries {
  private readonly cache = new Map<string, string>();
  constructor(
    private readonly dialect: Dialect,
    private readonly dir = join(projectRoot(), 'sql', 'queries'),
  ) {}

  get(name: string): string {
    const hit = this.cache.get(name);
    if (hit) return hit;
    if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new OmnilaneError('WH_ERR_UNKNOWN_QUERY', `bad query name ${JSON.stringify(name)}`);
    const recipe = GENERATED_KPI_QUERIES.get(name);
    if (recipe) {
      const generated = kpiSql(this.dialect, recipe);
      this.cache.set(name, generated);
      return generated;
    }
    const candidates = this.dialect === 'duckdb' ? [join(this.dir, 'duckdb', `${name}.sql`), join(this.dir, `${name}.sql`)] : [join(this.dir, `${name}.sql`)];
    const file = candidates.find((f) => existsSync(f));
    if (!file) throw new OmnilaneError('WH_ERR_UNKNOWN_QUERY', `no named query "${name}" for ${this.dialect}`);
    const sql = readFileSync(file, 'utf8');
    this.cache.set(name, sql);
    return sql;
  }

  names(): string[] {
    const files = readdirSync(this.dir)
      .filter((f) => f.endsWith('.sql'))
      .map((f) => f.slice(0, -4));
    return [...new Set([...files, ...GENERATED_KPI_QUERIES.keys()])].sort();
  }
}

/** Migration files for a dialect, in version order: `NNN_name.sql`. */
export function migrationFiles(dialect: Dialect): Array<{ version: string; file: string }> {
  const dir = dialect === 'duckdb' ? join(projectRoot(), 'sql', 'ddl', 'duckdb') : join(projectRoot(), 'sql', 'ddl');
  return readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: f.slice(0, -4), file: join(dir, f) }));
}

/** Splits a DDL file into statements on semicolons at line ends (DDL has no string literals with them). */
export function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s.length > 0);
}
