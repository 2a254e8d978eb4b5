-- events and conversations (new conversations) from channel_minute_contrib (additive, one row per bus batch), per bucket and channel.
-- channel_minute_contrib knows only the channel: group_by channel|none, filter channel.
-- Buckets: bucket_local_ms is the bucket start as local wall-clock time read as if it were UTC (the API turns it
-- into an instant): t + offset(t), offset = tz_offset_ms before the first tz_change_at_ms, else the offset of the
-- last change at or before t (the API fills these from KPI_TIME_ZONE), floored to bucket_s. grp: the group_by
-- dimension's value ('' when group_by is none). Filters: each Nullable; NULL = no filter.
SELECT bucket_local_ms, grp,
       CAST(sum(events) AS BIGINT) AS events,
       CAST(sum(conversations) AS BIGINT) AS conversations
FROM (
  SELECT CAST(((CAST(epoch_ms(minute) AS BIGINT) + list_concat([{tz_offset_ms:Int64}], {tz_change_offset_ms:Array(Int64)})[len(list_filter({tz_change_at_ms:Array(Int64)}, lambda tz_c: tz_c <= CAST(epoch_ms(minute) AS BIGINT))) + 1]) // ({bucket_s:Int64} * 1000)) * {bucket_s:Int64} * 1000 AS BIGINT) AS bucket_local_ms,
         CASE WHEN {group_by:String} = 'channel' THEN channel ELSE '' END AS grp, events, conversations
  FROM channel_minute_contrib
  WHERE minute >= epoch_ms({from_ms:Int64}) AND minute < epoch_ms({to_ms:Int64})
  AND ({channel:Nullable(String)} IS NULL OR channel = {channel:Nullable(String)})
)
GROUP BY bucket_local_ms, grp
ORDER BY bucket_local_ms, grp
