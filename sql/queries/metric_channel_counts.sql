-- Events and new conversations per channel per bucket of bucket_s seconds (UTC-aligned).
-- Same columns and values as duckdb/metric_channel_counts.sql. channel_minute_contrib holds one additive row per
-- bus batch, minute and channel; FINAL collapses a retried identical write (newest version per key).
SELECT toInt64(intDiv(minute_ms, {bucket_s:Int64} * 1000) * {bucket_s:Int64} * 1000) AS bucket_ms, channel,
       toInt64(sum(events)) AS events,
       toInt64(sum(conversations)) AS conversations
FROM (
  SELECT minute_ms, channel, events, conversations
  FROM channel_minute_contrib FINAL
  WHERE minute_ms >= {from_ms:Int64} AND minute_ms < {to_ms:Int64}
    AND ({channel:Nullable(String)} IS NULL OR channel = ifNull({channel:Nullable(String)}, ''))
)
GROUP BY bucket_ms, channel
ORDER BY bucket_ms, channel
