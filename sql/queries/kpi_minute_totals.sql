-- ClickHouse twin of duckdb/kpi_minute_totals.sql: the contributions (FINAL collapses retried writes), summed over
-- bus partitions and batches.
SELECT minute_ms, channel, source, team, agent, tag,
       toInt64(sum(events)) AS events,
       toInt64(sum(inquiries)) AS inquiries,
       toInt64(sum(opportunities)) AS opportunities,
       toInt64(sum(deals)) AS deals,
       toFloat64(sum(deal_value)) AS deal_value,
       toInt64(sum(csat_count)) AS csat_count,
       toFloat64(sum(csat_sum)) AS csat_sum,
       toInt64(sum(nps_promoters)) AS nps_promoters,
       toInt64(sum(nps_detractors)) AS nps_detractors,
       toInt64(sum(complaints)) AS complaints
FROM kpi_minute_contrib FINAL
WHERE minute_ms >= {from_ms:Int64} AND minute_ms < {to_ms:Int64}
GROUP BY minute_ms, channel, source, team, agent, tag
ORDER BY minute_ms, channel, source, team, agent, tag
