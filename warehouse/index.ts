export { DuckDbWarehouse } from './duckdb/duckdb-warehouse.js';
export { NamedQueries, migrationFiles, splitStatements, type Dialect } from './named-queries.js';
export { inlineParams, toDuckDbPrepared, quoteString, parsePlaceholders, coerceParam } from './sql-params.js';
