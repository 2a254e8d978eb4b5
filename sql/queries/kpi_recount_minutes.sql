-- ClickHouse twin of duckdb/kpi_recount_minutes.sql: the KPI minute counters recounted from every raw event
-- (events FINAL; late ones count too). 18.16: no CTEs, so the dimensions are read in a subquery.
SELECT minute_ms, channel, source, team, agent, tag,
       toInt64(count()) AS events,
       toInt64(countIf(type = 'conversation.started')) AS inquiries,
       toInt64(countIf(type = 'opportunity.created')) AS opportunities,
       toInt64(countIf(type = 'deal.won')) AS deals,
       toFloat64(sumIf(visitParamExtractFloat(properties, 'value'), type = 'deal.won')) AS deal_value,
       toInt64(countIf(type = 'csat.submitted')) AS csat_count,
       toFloat64(sumIf(visitParamExtractFloat(properties, 'score'), type = 'csat.submitted')) AS csat_sum,
       toInt64(countIf(type = 'nps.submitted' AND visitParamExtractFloat(properties, 'score') >= 9)) AS nps_promoters,
       toInt64(countIf(type = 'nps.submitted' AND visitParamExtractFloat(properties, 'score') <= 6)) AS nps_detractors,
       toInt64(countIf(type = 'complaint.filed')) AS complaints
FROM (
  SELECT intDiv(occurred_at_ms, 60000) * 60000 AS minute_ms, channel,
         visitParamExtractString(properties, 'source') AS source,
         visitParamExtractString(properties, 'team') AS team,
         ifNull(agent_id, '') AS agent,
         lower(visitParamExtractRaw(properties, 'tag')) AS raw_tag,
         multiIf(raw_tag = '' OR raw_tag = 'null', '',
                 position(raw_tag, '"vip"') > 0, 'VIP',
                 position(raw_tag, '"high_value"') > 0 OR position(raw_tag, '"high-value"') > 0, 'high_value',
                 'normal') AS tag,
         type, properties
  FROM events FINAL
  WHERE occurred_at_ms >= {from_ms:Int64} AND occurred_at_ms < {to_ms:Int64}
)
GROUP BY minute_ms, channel, source, team, agent, tag
ORDER BY minute_ms, channel, source, team, agent, tag
