-- experiment_units: one row per customer exposed to {experiment_id} in [from_ms, to_ms), with the first of each
-- outcome at or after the exposure (docs/experiments.md, "Outcome metrics"). Same columns and rows as
-- duckdb/experiment_units.sql. ClickHouse 18.16 has no CTEs and only equi-joins, so each customer's events are
-- folded into one row of arrays and the "first after the exposure" picks are arrayFilter + arraySort; 0 means
-- "no such outcome" (event times are after 2000-01-01). The exposure is the customer's first experiment.exposed
-- of this experiment, its variant that event's.
SELECT customer_key, variant, exposed_at,
       opportunity_at, deal_at, deal_value, csat_at, csat_score, asked_at, replied_at
FROM (
  SELECT customer_key, variant, exposed_at,
         arrayElement(arraySort(arrayFilter(t -> t >= exposed_at, opps)), 1) AS opportunity_at,
         arrayElement(arraySort(arrayFilter(d -> tupleElement(d, 1) >= exposed_at, deals)), 1) AS deal,
         tupleElement(deal, 1) AS deal_at,
         tupleElement(deal, 2) AS deal_value,
         arrayElement(arraySort(arrayFilter(c -> tupleElement(c, 1) >= exposed_at, csats)), 1) AS csat,
         tupleElement(csat, 1) AS csat_at,
         tupleElement(csat, 2) AS csat_score,
         arrayElement(arraySort(arrayFilter(t -> t >= exposed_at, received)), 1) AS asked_at,
         arrayElement(arraySort(arrayFilter(t -> asked_at > 0 AND t >= asked_at, sent)), 1) AS replied_at
  FROM (
    SELECT customer_key,
           minIf(occurred_at_ms, type = 'experiment.exposed' AND visitParamExtractString(properties, 'experiment_id') = {experiment_id:String}) AS exposed_at,
           argMinIf(visitParamExtractString(properties, 'variant'), occurred_at_ms, type = 'experiment.exposed' AND visitParamExtractString(properties, 'experiment_id') = {experiment_id:String}) AS variant,
           groupArrayIf(occurred_at_ms, type = 'opportunity.created') AS opps,
           groupArrayIf(tuple(occurred_at_ms, toFloat64(visitParamExtractFloat(properties, 'value'))), type = 'deal.won') AS deals,
           groupArrayIf(tuple(occurred_at_ms, toFloat64(visitParamExtractFloat(properties, 'score'))), type = 'csat.submitted') AS csats,
           groupArrayIf(occurred_at_ms, type = 'message.received') AS received,
           groupArrayIf(occurred_at_ms, type = 'message.sent') AS sent
    FROM events FINAL
    WHERE occurred_at_ms >= {from_ms:Int64} AND occurred_at_ms < {to_ms:Int64}
      AND type IN ('experiment.exposed', 'opportunity.created', 'deal.won', 'csat.submitted', 'message.received', 'message.sent')
    GROUP BY customer_key
    HAVING countIf(type = 'experiment.exposed' AND visitParamExtractString(properties, 'experiment_id') = {experiment_id:String}) > 0
  )
)
ORDER BY exposed_at, customer_key
