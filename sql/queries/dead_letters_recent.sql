-- The newest dead letters, for inspection and replay (one row per (source, ref)).
SELECT source, ref, code, reason, payload, failed_at_ms
FROM dead_letters FINAL
ORDER BY failed_at_ms DESC
LIMIT {limit:Int64}
