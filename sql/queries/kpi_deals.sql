-- deals: deals won (deal.won) and their summed value, per bucket and group.
-- Buckets: bucket_local_ms is the bucket start as local wall-clock time read as if it were UTC (the API turns it
-- into an instant): t + offset(t), offset = tz_offset_ms before the first tz_change_at_ms, else the offset of the
-- last change at or before t (the API fills these from KPI_TIME_ZONE), floored to bucket_s. grp: the group_by
-- dimension's value ('' when group_by is none). Filters: each Nullable; NULL = no filter.
-- kpi_minute_contrib holds additive contributions, one row per bus batch, minute and dimension tuple
-- (sql/ddl/006_kpi_contributions.sql): FINAL collapses a retried identical write, and the rows are summed. Twin: duckdb/kpi_deals.sql.
SELECT toInt64(intDiv(minute_ms + arrayElement(arrayConcat([toInt64({tz_offset_ms:Int64})], arrayMap(tz_o -> toInt64(tz_o), {tz_change_offset_ms:Array(Int64)})), arrayCount(tz_c -> tz_c <= minute_ms, {tz_change_at_ms:Array(Int64)}) + 1), {bucket_s:Int64} * 1000) * {bucket_s:Int64} * 1000) AS bucket_local_ms,
       multiIf({group_by:String} = 'channel', channel, {group_by:String} = 'source', source, {group_by:String} = 'team', team, {group_by:String} = 'agent', agent, {group_by:String} = 'tag', tag, '') AS grp,
       toInt64(sum(deals)) AS value,
       toFloat64(sum(deal_value)) AS value_sum
FROM (
  SELECT minute_ms, channel, source, team, agent, tag, deals, deal_value
  FROM kpi_minute_contrib FINAL
  WHERE minute_ms >= {from_ms:Int64} AND minute_ms < {to_ms:Int64}
  AND ({channel:Nullable(String)} IS NULL OR channel = ifNull({channel:Nullable(String)}, ''))
  AND ({source:Nullable(String)} IS NULL OR source = ifNull({source:Nullable(String)}, ''))
  AND ({team:Nullable(String)} IS NULL OR team = ifNull({team:Nullable(String)}, ''))
  AND ({agent:Nullable(String)} IS NULL OR agent = ifNull({agent:Nullable(String)}, ''))
  AND ({tag:Nullable(String)} IS NULL OR tag = ifNull({tag:Nullable(String)}, ''))
)
GROUP BY bucket_local_ms, grp
ORDER BY bucket_local_ms, grp
