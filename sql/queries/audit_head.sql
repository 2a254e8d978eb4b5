-- The newest audit entry's seq and hash (the chain's head). Same columns as duckdb/audit_head.sql.
SELECT seq, hash FROM audit_log FINAL ORDER BY seq DESC LIMIT 1
