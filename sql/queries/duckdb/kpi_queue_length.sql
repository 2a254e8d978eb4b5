-- queue_length: conversations waiting, summed over the queues at each 10-second sample, averaged over the
-- samples of the bucket (value) and its maximum (max). group_by group = the routing group (queue name).
-- Buckets: bucket_local_ms is the bucket start as local wall-clock time read as if it were UTC (the API turns it
-- into an instant): t + offset(t), offset = tz_offset_ms before the first tz_change_at_ms, else the offset of the
-- last change at or before t (the API fills these from KPI_TIME_ZONE), floored to bucket_s. grp: the group_by
-- dimension's value ('' when group_by is none). Filters: each Nullable; NULL = no filter.
-- Summed per sample time and group, then averaged over the sample times of the bucket.
SELECT CAST(((sampled_at_ms + list_concat([{tz_offset_ms:Int64}], {tz_change_offset_ms:Array(Int64)})[len(list_filter({tz_change_at_ms:Array(Int64)}, lambda tz_c: tz_c <= sampled_at_ms)) + 1]) // ({bucket_s:Int64} * 1000)) * {bucket_s:Int64} * 1000 AS BIGINT) AS bucket_local_ms, grp,
       CAST(sum(open_n) AS DOUBLE) / count(*) AS value,
       CAST(max(open_n) AS BIGINT) AS max
FROM (
  SELECT CAST(epoch_ms(sampled_at) AS BIGINT) AS sampled_at_ms, CASE WHEN {group_by:String} = 'team' THEN team WHEN {group_by:String} = 'group' THEN name ELSE '' END AS grp,
         CAST(sum(size) AS BIGINT) AS open_n, CAST(sum(capacity) AS BIGINT) AS cap_n
  FROM routing_gauges
  WHERE kind = 'queue' AND sampled_at >= epoch_ms({from_ms:Int64}) AND sampled_at < epoch_ms({to_ms:Int64})
  AND ({team:Nullable(String)} IS NULL OR team = {team:Nullable(String)})
  GROUP BY ALL
)
GROUP BY bucket_local_ms, grp
ORDER BY bucket_local_ms, grp
