-- experiment_units: one row per customer exposed to {experiment_id} in [from_ms, to_ms), with the first of each
-- outcome at or after the exposure (docs/experiments.md, "Outcome metrics"); 0 means "no such outcome", as in
-- the ClickHouse twin (../experiment_units.sql). The exposure is the customer's first experiment.exposed of
-- this experiment, its variant that event's.
WITH ev AS (
  SELECT customer_key, type, epoch_ms(occurred_at) AS t, properties
  FROM events
  WHERE occurred_at >= epoch_ms({from_ms:Int64}) AND occurred_at < epoch_ms({to_ms:Int64})
    AND type IN ('experiment.exposed', 'opportunity.created', 'deal.won', 'csat.submitted', 'message.received', 'message.sent')
),
x AS (
  SELECT customer_key, min(t) AS exposed_at, arg_min(coalesce(json_extract_string(properties, '$.variant'), ''), t) AS variant
  FROM ev
  WHERE type = 'experiment.exposed' AND json_extract_string(properties, '$.experiment_id') = {experiment_id:String}
  GROUP BY customer_key
),
firsts AS (
  SELECT x.customer_key,
         min(e.t) FILTER (WHERE e.type = 'opportunity.created') AS opportunity_at,
         min(e.t) FILTER (WHERE e.type = 'deal.won') AS deal_at,
         arg_min(coalesce(TRY_CAST(json_extract(e.properties, '$.value') AS DOUBLE), 0), e.t) FILTER (WHERE e.type = 'deal.won') AS deal_value,
         min(e.t) FILTER (WHERE e.type = 'csat.submitted') AS csat_at,
         arg_min(coalesce(TRY_CAST(json_extract(e.properties, '$.score') AS DOUBLE), 0), e.t) FILTER (WHERE e.type = 'csat.submitted') AS csat_score,
         min(e.t) FILTER (WHERE e.type = 'message.received') AS asked_at
  FROM x JOIN ev e ON e.customer_key = x.customer_key AND e.t >= x.exposed_at
  GROUP BY x.customer_key
),
replies AS (
  SELECT f.customer_key, min(e.t) AS replied_at
  FROM firsts f JOIN ev e ON e.customer_key = f.customer_key AND e.type = 'message.sent' AND e.t >= f.asked_at
  GROUP BY f.customer_key
)
SELECT x.customer_key, x.variant, x.exposed_at,
       coalesce(f.opportunity_at, 0) AS opportunity_at,
       coalesce(f.deal_at, 0) AS deal_at,
       coalesce(f.deal_value, 0) AS deal_value,
       coalesce(f.csat_at, 0) AS csat_at,
       coalesce(f.csat_score, 0) AS csat_score,
       coalesce(f.asked_at, 0) AS asked_at,
       coalesce(r.replied_at, 0) AS replied_at
FROM x
LEFT JOIN firsts f ON f.customer_key = x.customer_key
LEFT JOIN replies r ON r.customer_key = x.customer_key
ORDER BY x.exposed_at, x.customer_key
