-- The latest run of each model whose window lies within [from_ms, to_ms] (either bound NULL: unbounded),
-- one row per (model, order, channel).
SELECT r.run_id, epoch_ms(r.run_at) AS run_at_ms, r.model, r.model_order,
       epoch_ms(r.window_from) AS window_from_ms, epoch_ms(r.window_to) AS window_to_ms,
       r.channel, r.removal_effect, r.conversions, r.value,
       r.conversions_lower, r.conversions_upper, r.value_lower, r.value_upper, r.journeys
FROM attribution_results r
JOIN (
  SELECT model, arg_max(run_id, run_at) AS run_id
  FROM attribution_results
  WHERE ({from_ms:Nullable(Int64)} IS NULL OR window_from >= epoch_ms({from_ms:Nullable(Int64)}))
    AND ({to_ms:Nullable(Int64)} IS NULL OR window_to <= epoch_ms({to_ms:Nullable(Int64)}))
  GROUP BY model
) latest ON r.model = latest.model AND r.run_id = latest.run_id
ORDER BY r.model, r.model_order, r.channel
