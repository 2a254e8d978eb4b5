-- First response time per channel per bucket of the conversation's start (UTC-aligned).
-- Same columns and values as duckdb/metric_first_response.sql. Dedup and quantiles as in
-- board_first_response.sql: newest version per conversation first, then the window;
-- p50/p90 are the ceil(n*q)-th smallest value (DuckDB's quantile_disc).
SELECT toInt64(intDiv(started_at_ms, {bucket_s:Int64} * 1000) * {bucket_s:Int64} * 1000) AS bucket_ms, channel,
       count(first_response_ms) AS count,
       avg(first_response_ms) AS avg_ms,
       arrayElement(arraySort(groupArray(first_response_ms)), toUInt64(ceil(count(first_response_ms) * 0.5))) AS p50_ms,
       arrayElement(arraySort(groupArray(first_response_ms)), toUInt64(ceil(count(first_response_ms) * 0.9))) AS p90_ms
FROM (
  SELECT tupleElement(latest, 1) AS channel, tupleElement(latest, 2) AS started_at_ms, tupleElement(latest, 3) AS first_response_ms
  FROM (
    SELECT conversation_id, argMax(tuple(channel, started_at_ms, first_response_ms), version) AS latest
    FROM conversation_first_response
    WHERE conversation_id IN (
      SELECT conversation_id FROM conversation_first_response
      WHERE started_at_ms >= {from_ms:Int64} AND started_at_ms < {to_ms:Int64})
    GROUP BY conversation_id
  )
)
WHERE started_at_ms >= {from_ms:Int64} AND started_at_ms < {to_ms:Int64}
  AND first_response_ms IS NOT NULL
  AND ({channel:Nullable(String)} IS NULL OR channel = {channel:Nullable(String)})
GROUP BY bucket_ms, channel
ORDER BY bucket_ms, channel
