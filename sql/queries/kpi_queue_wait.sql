-- queue_wait: ms a conversation waited for the assignment that ended its wait, by the assignment time.
-- Buckets: bucket_local_ms is the bucket start as local wall-clock time read as if it were UTC (the API turns it
-- into an instant): t + offset(t), offset = tz_offset_ms before the first tz_change_at_ms, else the offset of the
-- last change at or before t (the API fills these from KPI_TIME_ZONE), floored to bucket_s. grp: the group_by
-- dimension's value ('' when group_by is none). Filters: each Nullable; NULL = no filter.
-- Newest version per conversation_id first (argMax over a tuple keeps NULLs of the newest row), then the window: a
-- newer version can move the row's time. Only keys with some version in the window are read. Percentiles are
-- the value at 1-based rank ceil(p * n) of the n sorted values (DuckDB's quantile_disc). Twin: duckdb/kpi_queue_wait.sql.
SELECT toInt64(intDiv(assumeNotNull(t_ms) + arrayElement(arrayConcat([toInt64({tz_offset_ms:Int64})], arrayMap(tz_o -> toInt64(tz_o), {tz_change_offset_ms:Array(Int64)})), arrayCount(tz_c -> tz_c <= assumeNotNull(t_ms), {tz_change_at_ms:Array(Int64)}) + 1), {bucket_s:Int64} * 1000) * {bucket_s:Int64} * 1000) AS bucket_local_ms,
       multiIf({group_by:String} = 'channel', channel, {group_by:String} = 'source', source, {group_by:String} = 'team', team, {group_by:String} = 'agent', agent, {group_by:String} = 'tag', tag, '') AS grp,
       toFloat64(sum(x)) / count(x) AS value,
       toInt64(count(x)) AS count,
       arrayElement(arraySort(groupArray(x)), toUInt64(ceil(count(x) * 0.5))) AS p50_ms,
       arrayElement(arraySort(groupArray(x)), toUInt64(ceil(count(x) * 0.9))) AS p90_ms
FROM (
  SELECT tupleElement(latest, 1) AS t_ms, tupleElement(latest, 2) AS x, tupleElement(latest, 3) AS keep,
         tupleElement(latest, 4) AS channel, tupleElement(latest, 5) AS source, tupleElement(latest, 6) AS team,
         tupleElement(latest, 7) AS agent, tupleElement(latest, 8) AS tag
  FROM (
    SELECT conversation_id, argMax(tuple(assigned_at_ms, wait_ms, 1, channel, source, team, agent, tag), version) AS latest
    FROM conversation_facts
    WHERE conversation_id IN (
      SELECT conversation_id FROM conversation_facts
      WHERE assigned_at_ms >= {from_ms:Int64} AND assigned_at_ms < {to_ms:Int64})
    GROUP BY conversation_id
  )
)
WHERE t_ms >= {from_ms:Int64} AND t_ms < {to_ms:Int64} AND keep = 1 AND x IS NOT NULL
  AND ({channel:Nullable(String)} IS NULL OR channel = ifNull({channel:Nullable(String)}, ''))
  AND ({source:Nullable(String)} IS NULL OR source = ifNull({source:Nullable(String)}, ''))
  AND ({team:Nullable(String)} IS NULL OR team = ifNull({team:Nullable(String)}, ''))
  AND ({agent:Nullable(String)} IS NULL OR agent = ifNull({agent:Nullable(String)}, ''))
  AND ({tag:Nullable(String)} IS NULL OR tag = ifNull({tag:Nullable(String)}, ''))
GROUP BY bucket_local_ms, grp
ORDER BY bucket_local_ms, grp
