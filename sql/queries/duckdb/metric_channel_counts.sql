-- Events and new conversations per channel per bucket of bucket_s seconds (UTC-aligned).
SELECT CAST(floor(epoch(minute) / {bucket_s:Int64}) * {bucket_s:Int64} * 1000 AS BIGINT) AS bucket_ms, channel,
       CAST(sum(events) AS BIGINT) AS events,
       CAST(sum(conversations) AS BIGINT) AS conversations
FROM channel_minute_contrib
WHERE minute >= epoch_ms({from_ms:Int64}) AND minute < epoch_ms({to_ms:Int64})
  AND ({channel:Nullable(String)} IS NULL OR channel = {channel:Nullable(String)})
GROUP BY 1, channel
ORDER BY 1, channel
