-- Funnel inquiry → opportunity → deal per group; same definition, columns and rows as duckdb/funnel.sql
-- (docs/metrics.md, "Funnel"). ClickHouse 18.16 has no CTEs and only equi-joins, so each customer's events
-- are folded into one row (first inquiry, arrays of opportunity times and (deal time, value) pairs) and the
-- per-step windows are applied with arrayFilter. 0 means "no such step" (event times are after 2000-01-01).
SELECT grp AS key,
       count() AS inquiries,
       countIf(opp_at > 0) AS opportunities,
       countIf(deal_at > 0) AS deals,
       sumIf(deal_value, deal_at > 0) AS deal_value,
       avgIf(opp_at - inquiry_at, opp_at > 0) AS avg_inquiry_to_opportunity_ms,
       avgIf(deal_at - opp_at, deal_at > 0) AS avg_opportunity_to_deal_ms,
       avgIf(deal_at - inquiry_at, deal_at > 0) AS avg_inquiry_to_deal_ms
FROM (
  SELECT grp, inquiry_at, opp_at,
         arrayElement(arraySort(arrayFilter(d -> opp_at > 0 AND tupleElement(d, 1) >= opp_at AND tupleElement(d, 1) <= opp_at + {window_ms:Int64}, deals)), 1) AS deal,
         tupleElement(deal, 1) AS deal_at,
         tupleElement(deal, 2) AS deal_value
  FROM (
    SELECT grp, inquiry_at, deals,
           arrayElement(arraySort(arrayFilter(x -> x >= inquiry_at AND x <= inquiry_at + {window_ms:Int64}, opps)), 1) AS opp_at
    FROM (
      SELECT customer_key,
             minIf(occurred_at_ms, type = 'conversation.started') AS inquiry_at,
             argMinIf(multiIf({by:String} = 'source', visitParamExtractString(properties, 'source'),
                              {by:String} = 'segment', visitParamExtractString(properties, 'tag'),
                              channel), occurred_at_ms, type = 'conversation.started') AS grp,
             groupArrayIf(occurred_at_ms, type = 'opportunity.created') AS opps,
             groupArrayIf(tuple(occurred_at_ms, toFloat64(visitParamExtractFloat(properties, 'value'))), type = 'deal.won') AS deals
      FROM events FINAL
      WHERE occurred_at_ms >= {from_ms:Int64}
        AND occurred_at_ms <= {to_ms:Int64} + 2 * {window_ms:Int64}
        AND type IN ('conversation.started', 'opportunity.created', 'deal.won')
      GROUP BY customer_key
      HAVING countIf(type = 'conversation.started' AND occurred_at_ms < {to_ms:Int64}) > 0
    )
  )
)
GROUP BY grp
ORDER BY inquiries DESC, key
