-- complaint_rate: complaints / inquiries (NULL when no inquiries).
-- Buckets: bucket_local_ms is the bucket start as local wall-clock time read as if it were UTC (the API turns it
-- into an instant): t + offset(t), offset = tz_offset_ms before the first tz_change_at_ms, else the offset of the
-- last change at or before t (the API fills these from KPI_TIME_ZONE), floored to bucket_s. grp: the group_by
-- dimension's value ('' when group_by is none). Filters: each Nullable; NULL = no filter.
-- kpi_minute_contrib holds additive contributions, one row per bus batch, minute and dimension tuple
-- (sql/ddl/duckdb/006_kpi_contributions.sql); a retried write replaced its key, so the rows are summed as they are.
SELECT bucket_local_ms, grp,
       CASE WHEN sum(inquiries) = 0 THEN NULL ELSE CAST(sum(complaints) AS DOUBLE) / sum(inquiries) END AS value,
       CAST(sum(complaints) AS BIGINT) AS numerator,
       CAST(sum(inquiries) AS BIGINT) AS denominator
FROM (
  SELECT CAST(((CAST(epoch_ms(minute) AS BIGINT) + list_concat([{tz_offset_ms:Int64}], {tz_change_offset_ms:Array(Int64)})[len(list_filter({tz_change_at_ms:Array(Int64)}, lambda tz_c: tz_c <= CAST(epoch_ms(minute) AS BIGINT))) + 1]) // ({bucket_s:Int64} * 1000)) * {bucket_s:Int64} * 1000 AS BIGINT) AS bucket_local_ms,
         CASE WHEN {group_by:String} = 'channel' THEN channel WHEN {group_by:String} = 'source' THEN source WHEN {group_by:String} = 'team' THEN team WHEN {group_by:String} = 'agent' THEN agent WHEN {group_by:String} = 'tag' THEN tag ELSE '' END AS grp, *
  FROM kpi_minute_contrib
  WHERE minute >= epoch_ms({from_ms:Int64}) AND minute < epoch_ms({to_ms:Int64})
  AND ({channel:Nullable(String)} IS NULL OR channel = {channel:Nullable(String)})
  AND ({source:Nullable(String)} IS NULL OR source = {source:Nullable(String)})
  AND ({team:Nullable(String)} IS NULL OR team = {team:Nullable(String)})
  AND ({agent:Nullable(String)} IS NULL OR agent = {agent:Nullable(String)})
  AND ({tag:Nullable(String)} IS NULL OR tag = {tag:Nullable(String)})
)
GROUP BY bucket_local_ms, grp
ORDER BY bucket_local_ms, grp
