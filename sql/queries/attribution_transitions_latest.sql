-- The transition matrix of the latest run whose window lies within [from_ms, to_ms] (NULL: unbounded).
-- Same columns as duckdb/attribution_transitions_latest.sql.
SELECT run_id, run_at_ms, model_order, window_from_ms, window_to_ms, from_state, to_state, probability
FROM attribution_transitions FINAL
WHERE run_id IN (
  SELECT argMax(run_id, run_at_ms)
  FROM attribution_transitions
  WHERE ({from_ms:Nullable(Int64)} IS NULL OR window_from_ms >= {from_ms:Nullable(Int64)})
    AND ({to_ms:Nullable(Int64)} IS NULL OR window_to_ms <= {to_ms:Nullable(Int64)}))
ORDER BY model_order, from_state, to_state
