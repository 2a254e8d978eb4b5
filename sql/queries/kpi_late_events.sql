-- late_events: events that arrived after the realtime watermark had passed their minute (a record of lateness: they
-- count in every other KPI all the same), counted by the minute they belong to.
-- late_events knows only the channel: group_by channel|none, filter channel.
-- Buckets: bucket_local_ms is the bucket start as local wall-clock time read as if it were UTC (the API turns it
-- into an instant): t + offset(t), offset = tz_offset_ms before the first tz_change_at_ms, else the offset of the
-- last change at or before t (the API fills these from KPI_TIME_ZONE), floored to bucket_s. grp: the group_by
-- dimension's value ('' when group_by is none). Filters: each Nullable; NULL = no filter.
-- Each (producer, id, window_start_ms) once: a replayed late event repeats its key. Twin: duckdb/kpi_late_events.sql.
SELECT toInt64(intDiv(window_start_ms + arrayElement(arrayConcat([toInt64({tz_offset_ms:Int64})], arrayMap(tz_o -> toInt64(tz_o), {tz_change_offset_ms:Array(Int64)})), arrayCount(tz_c -> tz_c <= window_start_ms, {tz_change_at_ms:Array(Int64)}) + 1), {bucket_s:Int64} * 1000) * {bucket_s:Int64} * 1000) AS bucket_local_ms,
       multiIf({group_by:String} = 'channel', channel, '') AS grp,
       toInt64(count()) AS value
FROM (
  SELECT producer, id, window_start_ms, any(channel) AS channel
  FROM late_events
  WHERE window_start_ms >= {from_ms:Int64} AND window_start_ms < {to_ms:Int64}
  GROUP BY producer, id, window_start_ms
)
WHERE 1 = 1
AND ({channel:Nullable(String)} IS NULL OR channel = ifNull({channel:Nullable(String)}, ''))
GROUP BY bucket_local_ms, grp
ORDER BY bucket_local_ms, grp
