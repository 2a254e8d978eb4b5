-- Events and new conversations per channel per bucket of bucket_s seconds (UTC-aligned).
-- Same columns and values as duckdb/metric_channel_counts.sql; the newest version per key is read
-- (argMax), so replayed batches never double count.
SELECT toInt64(intDiv(minute_ms, {bucket_s:Int64} * 1000) * {bucket_s:Int64} * 1000) AS bucket_ms, channel,
       toInt64(sum(events)) AS events,
       toInt64(sum(conversations)) AS conversations
FROM (
  SELECT bus_partition, minute_ms, channel,
         argMax(events, version) AS events,
         argMax(conversations, version) AS conversations
  FROM channel_minute
  WHERE minute_ms >= {from_ms:Int64} AND minute_ms < {to_ms:Int64}
    AND ({channel:Nullable(String)} IS NULL OR channel = {channel:Nullable(String)})
  GROUP BY bus_partition, minute_ms, channel
)
GROUP BY bucket_ms, channel
ORDER BY bucket_ms, channel
