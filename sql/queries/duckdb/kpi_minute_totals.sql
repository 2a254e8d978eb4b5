-- kpi_minute_contrib summed over bus partitions and batches, the same columns as kpi_recount_minutes (to compare the two).
SELECT CAST(epoch_ms(minute) AS BIGINT) AS minute_ms, channel, source, team, agent, tag,
       CAST(sum(events) AS BIGINT) AS events,
       CAST(sum(inquiries) AS BIGINT) AS inquiries,
       CAST(sum(opportunities) AS BIGINT) AS opportunities,
       CAST(sum(deals) AS BIGINT) AS deals,
       CAST(sum(deal_value) AS DOUBLE) AS deal_value,
       CAST(sum(csat_count) AS BIGINT) AS csat_count,
       CAST(sum(csat_sum) AS DOUBLE) AS csat_sum,
       CAST(sum(nps_promoters) AS BIGINT) AS nps_promoters,
       CAST(sum(nps_detractors) AS BIGINT) AS nps_detractors,
       CAST(sum(complaints) AS BIGINT) AS complaints
FROM kpi_minute_contrib
WHERE minute >= epoch_ms({from_ms:Int64}) AND minute < epoch_ms({to_ms:Int64})
GROUP BY ALL
ORDER BY ALL
