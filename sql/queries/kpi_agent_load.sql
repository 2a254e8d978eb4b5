-- agent_load: open conversations / capacity, summed over the agents at each sample and over the samples of the
-- bucket (NULL without capacity); open_avg and capacity are the per-sample averages. group_by agent = agent id.
-- Buckets: bucket_local_ms is the bucket start as local wall-clock time read as if it were UTC (the API turns it
-- into an instant): t + offset(t), offset = tz_offset_ms before the first tz_change_at_ms, else the offset of the
-- last change at or before t (the API fills these from KPI_TIME_ZONE), floored to bucket_s. grp: the group_by
-- dimension's value ('' when group_by is none). Filters: each Nullable; NULL = no filter.
-- routing_gauges has no versions: a replayed sample repeats its key (sampled_at_ms, kind, name) with the same
-- values, so each key is read once (GROUP BY key), then summed per sample time and group, then averaged over the
-- sample times of the bucket. Twin: duckdb/kpi_agent_load.sql.
SELECT toInt64(intDiv(sampled_at_ms + arrayElement(arrayConcat([toInt64({tz_offset_ms:Int64})], arrayMap(tz_o -> toInt64(tz_o), {tz_change_offset_ms:Array(Int64)})), arrayCount(tz_c -> tz_c <= sampled_at_ms, {tz_change_at_ms:Array(Int64)}) + 1), {bucket_s:Int64} * 1000) * {bucket_s:Int64} * 1000) AS bucket_local_ms, grp,
       if(sum(cap_n) = 0, NULL, toFloat64(sum(open_n)) / sum(cap_n)) AS value,
       toFloat64(sum(open_n)) / count() AS open_avg,
       toFloat64(sum(cap_n)) / count() AS capacity
FROM (
  SELECT sampled_at_ms, multiIf({group_by:String} = 'team', team, {group_by:String} = 'agent', name, '') AS grp,
         toInt64(sum(size)) AS open_n, toInt64(sum(capacity)) AS cap_n
  FROM (
    SELECT sampled_at_ms, name, any(team) AS team, any(size) AS size, any(capacity) AS capacity
    FROM routing_gauges
    WHERE kind = 'agent' AND sampled_at_ms >= {from_ms:Int64} AND sampled_at_ms < {to_ms:Int64}
    GROUP BY sampled_at_ms, name
  )
  WHERE 1 = 1
  AND ({team:Nullable(String)} IS NULL OR team = ifNull({team:Nullable(String)}, ''))
  AND ({agent:Nullable(String)} IS NULL OR name = ifNull({agent:Nullable(String)}, ''))
  GROUP BY sampled_at_ms, grp
)
GROUP BY bucket_local_ms, grp
ORDER BY bucket_local_ms, grp
