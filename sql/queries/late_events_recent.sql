-- Late events (beyond the KPI allowed lateness), newest first.
SELECT producer, id, type, channel, occurred_at_ms, window_start_ms, late_by_ms
FROM late_events FINAL
ORDER BY recorded_at_ms DESC, producer, id
LIMIT {limit:Int64}
