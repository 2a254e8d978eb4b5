-- First response per channel for conversations started in the window, plus a total row
-- (channel NULL), like duckdb/board_first_response.sql's GROUP BY ROLLUP.
-- Dedup: the newest version of each conversation decides (argMax over a tuple, so a NULL in
-- the newest row is kept rather than skipped); the window is applied after that, because a
-- late event can move a conversation's start. Only conversations with some version in the
-- window are read.
-- Quantiles are discrete with DuckDB's quantile_disc definition: the ceil(n*q)-th smallest
-- value. (quantileExact picks the floor(n*q)+1-th, which differs whenever n*q is whole.)
SELECT channel, count, avg_ms, p50_ms, p90_ms
FROM (
  SELECT CAST(NULL AS Nullable(String)) AS channel,
         count(first_response_ms) AS count,
         avg(first_response_ms) AS avg_ms,
         if(count(first_response_ms) = 0, NULL, arrayElement(arraySort(groupArray(first_response_ms)), toUInt64(ceil(count(first_response_ms) * 0.5)))) AS p50_ms,
         if(count(first_response_ms) = 0, NULL, arrayElement(arraySort(groupArray(first_response_ms)), toUInt64(ceil(count(first_response_ms) * 0.9)))) AS p90_ms
  FROM (
    SELECT tupleElement(latest, 1) AS channel, tupleElement(latest, 2) AS started_at_ms, tupleElement(latest, 3) AS first_response_ms
    FROM (
      SELECT conversation_id, argMax(tuple(channel, started_at_ms, first_response_ms), version) AS latest
      FROM conversation_facts
      WHERE conversation_id IN (
        SELECT conversation_id FROM conversation_facts
        WHERE started_at_ms >= {from_ms:Int64} AND started_at_ms < {to_ms:Int64})
      GROUP BY conversation_id
    )
  )
  WHERE started_at_ms >= {from_ms:Int64} AND started_at_ms < {to_ms:Int64}
    AND first_response_ms IS NOT NULL
  UNION ALL
  SELECT toNullable(channel) AS channel,
         count(first_response_ms) AS count,
         avg(first_response_ms) AS avg_ms,
         if(count(first_response_ms) = 0, NULL, arrayElement(arraySort(groupArray(first_response_ms)), toUInt64(ceil(count(first_response_ms) * 0.5)))) AS p50_ms,
         if(count(first_response_ms) = 0, NULL, arrayElement(arraySort(groupArray(first_response_ms)), toUInt64(ceil(count(first_response_ms) * 0.9)))) AS p90_ms
  FROM (
    SELECT tupleElement(latest, 1) AS channel, tupleElement(latest, 2) AS started_at_ms, tupleElement(latest, 3) AS first_response_ms
    FROM (
      SELECT conversation_id, argMax(tuple(channel, started_at_ms, first_response_ms), version) AS latest
      FROM conversation_facts
      WHERE conversation_id IN (
        SELECT conversation_id FROM conversation_facts
        WHERE started_at_ms >= {from_ms:Int64} AND started_at_ms < {to_ms:Int64})
      GROUP BY conversation_id
    )
  )
  WHERE started_at_ms >= {from_ms:Int64} AND started_at_ms < {to_ms:Int64}
    AND first_response_ms IS NOT NULL
  GROUP BY channel
)
ORDER BY channel NULLS FIRST
