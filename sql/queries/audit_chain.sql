-- A page of the audit chain in seq order from from_seq, every column as stored (for verify and export).
-- Same columns and rows as duckdb/audit_chain.sql.
SELECT seq, recorded_at_ms AS at_ms, actor, action, target, customer_id, ip, status, before, after, prev_hash, hash, signature
FROM audit_log FINAL
WHERE seq >= {from_seq:Int64}
ORDER BY seq
LIMIT {limit:Int64}
