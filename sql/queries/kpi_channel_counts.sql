-- events and conversations (new conversations) from channel_minute_contrib (additive, one row per bus batch), per bucket and channel.
-- channel_minute_contrib knows only the channel: group_by channel|none, filter channel.
-- Buckets: bucket_local_ms is the bucket start as local wall-clock time read as if it were UTC (the API turns it
-- into an instant): t + offset(t), offset = tz_offset_ms before the first tz_change_at_ms, else the offset of the
-- last change at or before t (the API fills these from KPI_TIME_ZONE), floored to bucket_s. grp: the group_by
-- dimension's value ('' when group_by is none). Filters: each Nullable; NULL = no filter.
-- FINAL collapses a retried identical write; the rows are summed. Twin: duckdb/kpi_channel_counts.sql.
SELECT toInt64(intDiv(minute_ms + arrayElement(arrayConcat([toInt64({tz_offset_ms:Int64})], arrayMap(tz_o -> toInt64(tz_o), {tz_change_offset_ms:Array(Int64)})), arrayCount(tz_c -> tz_c <= minute_ms, {tz_change_at_ms:Array(Int64)}) + 1), {bucket_s:Int64} * 1000) * {bucket_s:Int64} * 1000) AS bucket_local_ms,
       multiIf({group_by:String} = 'channel', channel, '') AS grp,
       toInt64(sum(events)) AS events,
       toInt64(sum(conversations)) AS conversations
FROM (
  SELECT minute_ms, channel, events, conversations
  FROM channel_minute_contrib FINAL
  WHERE minute_ms >= {from_ms:Int64} AND minute_ms < {to_ms:Int64}
  AND ({channel:Nullable(String)} IS NULL OR channel = ifNull({channel:Nullable(String)}, ''))
)
GROUP BY bucket_local_ms, grp
ORDER BY bucket_local_ms, grp
