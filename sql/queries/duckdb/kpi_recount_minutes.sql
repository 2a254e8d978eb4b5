-- Batch recount of the KPI minute counters straight from the raw events (the correctness reference for the
-- stream's contributions): one row per event-time minute and dimension tuple, over every event (late ones too).
-- Dimensions as stream/kpis/dims.ts reads them: the event's own channel, properties.source/team, agent_id and
-- properties.tag (VIP > high_value > normal; a list of tags counts too).
WITH e AS (
  SELECT CAST(floor(epoch_ms(occurred_at) / 60000) * 60000 AS BIGINT) AS minute_ms, channel,
         coalesce(trim(json_extract_string(properties, '$.source')), '') AS source,
         coalesce(trim(json_extract_string(properties, '$.team')), '') AS team,
         coalesce(agent_id, '') AS agent,
         CASE WHEN json_extract(properties, '$.tag') IS NULL OR json_type(json_extract(properties, '$.tag')) = 'NULL' THEN ''
              WHEN lower(CAST(json_extract(properties, '$.tag') AS VARCHAR)) LIKE '%"vip"%' THEN 'VIP'
              WHEN lower(CAST(json_extract(properties, '$.tag') AS VARCHAR)) LIKE '%"high_value"%'
                OR lower(CAST(json_extract(properties, '$.tag') AS VARCHAR)) LIKE '%"high-value"%' THEN 'high_value'
              ELSE 'normal' END AS tag,
         type, properties
  FROM events
  WHERE occurred_at >= epoch_ms({from_ms:Int64}) AND occurred_at < epoch_ms({to_ms:Int64})
)
SELECT minute_ms, channel, source, team, agent, tag,
       CAST(count(*) AS BIGINT) AS events,
       CAST(count(*) FILTER (WHERE type = 'conversation.started') AS BIGINT) AS inquiries,
       CAST(count(*) FILTER (WHERE type = 'opportunity.created') AS BIGINT) AS opportunities,
       CAST(count(*) FILTER (WHERE type = 'deal.won') AS BIGINT) AS deals,
       CAST(coalesce(sum(CAST(json_extract(properties, '$.value') AS DOUBLE)) FILTER (WHERE type = 'deal.won'), 0) AS DOUBLE) AS deal_value,
       CAST(count(*) FILTER (WHERE type = 'csat.submitted') AS BIGINT) AS csat_count,
       CAST(coalesce(sum(CAST(json_extract(properties, '$.score') AS DOUBLE)) FILTER (WHERE type = 'csat.submitted'), 0) AS DOUBLE) AS csat_sum,
       CAST(count(*) FILTER (WHERE type = 'nps.submitted' AND CAST(json_extract(properties, '$.score') AS DOUBLE) >= 9) AS BIGINT) AS nps_promoters,
       CAST(count(*) FILTER (WHERE type = 'nps.submitted' AND CAST(json_extract(properties, '$.score') AS DOUBLE) <= 6) AS BIGINT) AS nps_detractors,
       CAST(count(*) FILTER (WHERE type = 'complaint.filed') AS BIGINT) AS complaints
FROM e
GROUP BY ALL
ORDER BY ALL
