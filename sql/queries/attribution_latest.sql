-- The latest run of each model whose window lies within [from_ms, to_ms] (either bound NULL: unbounded),
-- one row per (model, order, channel). Same columns as duckdb/attribution_latest.sql.
SELECT run_id, run_at_ms, model, model_order, window_from_ms, window_to_ms,
       channel, removal_effect, conversions, value,
       conversions_lower, conversions_upper, value_lower, value_upper, journeys
FROM attribution_results FINAL
WHERE (model, run_id) IN (
  SELECT model, argMax(run_id, run_at_ms)
  FROM attribution_results
  WHERE ({from_ms:Nullable(Int64)} IS NULL OR window_from_ms >= {from_ms:Nullable(Int64)})
    AND ({to_ms:Nullable(Int64)} IS NULL OR window_to_ms <= {to_ms:Nullable(Int64)})
  GROUP BY model)
ORDER BY model, model_order, channel
