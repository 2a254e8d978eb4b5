-- ClickHouse twin of sql/ddl/duckdb/002_attribution.sql (same tables and columns; each epoch-millisecond
-- column X stored as X DateTime('UTC') plus X_ms Int64, as in 001_core.sql). Runs on 18.16 and current.
-- Rows of a run never change, so ReplacingMergeTree on the key collapses a replayed append; readers use FINAL
-- or pick one run id, so unmerged copies never double count.

CREATE TABLE IF NOT EXISTS attribution_results (
  run_id            String,
  run_at            DateTime('UTC'),
  run_at_ms         Int64,
  model             String,
  model_order       Int64,
  window_from       DateTime('UTC'),
  window_from_ms    Int64,
  window_to         DateTime('UTC'),
  window_to_ms      Int64,
  channel           String,
  removal_effect    Nullable(Float64),
  conversions       Float64,
  value             Float64,
  conversions_lower Nullable(Float64),
  conversions_upper Nullable(Float64),
  value_lower       Nullable(Float64),
  value_upper       Nullable(Float64),
  journeys          Int64
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(run_at)
ORDER BY (run_id, model, model_order, channel);

CREATE TABLE IF NOT EXISTS attribution_transitions (
  run_id         String,
  run_at         DateTime('UTC'),
  run_at_ms      Int64,
  model_order    Int64,
  window_from    DateTime('UTC'),
  window_from_ms Int64,
  window_to      DateTime('UTC'),
  window_to_ms   Int64,
  from_state     String,
  to_state       String,
  probability    Float64
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(run_at)
ORDER BY (run_id, model_order, from_state, to_state);
