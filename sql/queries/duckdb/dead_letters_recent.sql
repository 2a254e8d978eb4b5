-- The newest dead letters, for inspection and replay.
SELECT source, ref, code, reason, payload, epoch_ms(failed_at) AS failed_at_ms
FROM dead_letters ORDER BY failed_at DESC LIMIT {limit:Int64}
