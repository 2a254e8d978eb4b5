-- every KPI minute counter summed per bucket and group (the board's KPI tiles and alert rules).
-- Buckets: bucket_local_ms is the bucket start as local wall-clock time read as if it were UTC (the API turns it
-- into an instant): t + offset(t), offset = tz_offset_ms before the first tz_change_at_ms, else the offset of the
-- last change at or before t (the API fills these from KPI_TIME_ZONE), floored to bucket_s. grp: the group_by
-- dimension's value ('' when group_by is none). Filters: each Nullable; NULL = no filter.
-- kpi_minute_contrib holds additive contributions, one row per bus batch, minute and dimension tuple
-- (sql/ddl/006_kpi_contributions.sql): FINAL collapses a retried identical write, and the rows are summed. Twin: duckdb/kpi_counters.sql.
SELECT toInt64(intDiv(minute_ms + arrayElement(arrayConcat([toInt64({tz_offset_ms:Int64})], arrayMap(tz_o -> toInt64(tz_o), {tz_change_offset_ms:Array(Int64)})), arrayCount(tz_c -> tz_c <= minute_ms, {tz_change_at_ms:Array(Int64)}) + 1), {bucket_s:Int64} * 1000) * {bucket_s:Int64} * 1000) AS bucket_local_ms,
       multiIf({group_by:String} = 'channel', channel, {group_by:String} = 'source', source, {group_by:String} = 'team', team, {group_by:String} = 'agent', agent, {group_by:String} = 'tag', tag, '') AS grp,
       toInt64(sum(events)) AS events,
       toInt64(sum(inquiries)) AS inquiries,
       toInt64(sum(messages_in)) AS messages_in,
       toInt64(sum(messages_out)) AS messages_out,
       toInt64(sum(assigned)) AS assigned,
       toInt64(sum(closed)) AS closed,
       toInt64(sum(opportunities)) AS opportunities,
       toInt64(sum(deals)) AS deals,
       toInt64(sum(lost)) AS lost,
       toInt64(sum(csat_count)) AS csat_count,
       toInt64(sum(csat_satisfied)) AS csat_satisfied,
       toInt64(sum(nps_count)) AS nps_count,
       toInt64(sum(nps_promoters)) AS nps_promoters,
       toInt64(sum(nps_detractors)) AS nps_detractors,
       toInt64(sum(complaints)) AS complaints,
       toInt64(sum(sla_total)) AS sla_total,
       toInt64(sum(sla_met)) AS sla_met,
       toInt64(sum(wait_count)) AS wait_count,
       toInt64(sum(wait_ms_sum)) AS wait_ms_sum,
       toFloat64(sum(deal_value)) AS deal_value,
       toFloat64(sum(csat_sum)) AS csat_sum
FROM (
  SELECT minute_ms, channel, source, team, agent, tag, events, inquiries, messages_in, messages_out, assigned, closed, opportunities, deals, lost, csat_count, csat_satisfied, nps_count, nps_promoters, nps_detractors, complaints, sla_total, sla_met, wait_count, wait_ms_sum, deal_value, csat_sum
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
