-- First response per channel for conversations started in the window.
-- Quantiles are discrete (an observed value), the same definition as ClickHouse's quantileExact.
SELECT channel,
       count(first_response_ms) AS count,
       avg(first_response_ms) AS avg_ms,
       quantile_disc(first_response_ms, 0.5) AS p50_ms,
       quantile_disc(first_response_ms, 0.9) AS p90_ms
FROM conversation_facts
WHERE started_at >= epoch_ms({from_ms:Int64}) AND started_at < epoch_ms({to_ms:Int64})
  AND first_response_ms IS NOT NULL
GROUP BY ROLLUP (channel)
ORDER BY channel NULLS FIRST
