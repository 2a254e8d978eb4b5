-- Late events (beyond the KPI allowed lateness), newest first.
SELECT producer, id, type, channel, CAST(epoch_ms(occurred_at) AS BIGINT) AS occurred_at_ms,
       CAST(epoch_ms(window_start) AS BIGINT) AS window_start_ms, late_by_ms
FROM late_events
ORDER BY recorded_at DESC, producer, id
LIMIT {limit:Int64}
