-- The transition matrix of the latest run whose window lies within [from_ms, to_ms] (NULL: unbounded).
SELECT run_id, epoch_ms(run_at) AS run_at_ms, model_order,
       epoch_ms(window_from) AS window_from_ms, epoch_ms(window_to) AS window_to_ms,
       from_state, to_state, probability
FROM attribution_transitions
WHERE run_id = (
  SELECT arg_max(run_id, run_at)
  FROM attribution_transitions
  WHERE ({from_ms:Nullable(Int64)} IS NULL OR window_from >= epoch_ms({from_ms:Nullable(Int64)}))
    AND ({to_ms:Nullable(Int64)} IS NULL OR window_to <= epoch_ms({to_ms:Nullable(Int64)})))
ORDER BY model_order, from_state, to_state
