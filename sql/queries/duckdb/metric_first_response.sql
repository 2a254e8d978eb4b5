-- First response time per channel per bucket of the conversation's start (UTC-aligned).
SELECT CAST(floor(epoch(started_at) / {bucket_s:Int64}) * {bucket_s:Int64} * 1000 AS BIGINT) AS bucket_ms, channel,
       count(first_response_ms) AS count,
       avg(first_response_ms) AS avg_ms,
       quantile_disc(first_response_ms, 0.5) AS p50_ms,
       quantile_disc(first_response_ms, 0.9) AS p90_ms
FROM conversation_first_response
WHERE started_at >= epoch_ms({from_ms:Int64}) AND started_at < epoch_ms({to_ms:Int64})
  AND first_response_ms IS NOT NULL
  AND ({channel:Nullable(String)} IS NULL OR channel = {channel:Nullable(String)})
GROUP BY 1, channel
ORDER BY 1, channel
