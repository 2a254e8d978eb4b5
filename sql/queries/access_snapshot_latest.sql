-- The newest durable copy of the access state (api/auth/access-backup.ts); twin: duckdb/access_snapshot_latest.sql.
-- The revision is named `rev`: an alias equal to the column (`version`) would nest max() in argMax on 18.16.
SELECT id, argMax(state, version) AS state, max(version) AS rev
FROM access_snapshots
GROUP BY id
ORDER BY id
