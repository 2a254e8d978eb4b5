-- The newest durable copy of the access state: DuckDB keeps only the newest revision per id.
SELECT id, state, version AS rev
FROM access_snapshots
ORDER BY id
