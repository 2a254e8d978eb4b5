-- Attribution results: one row per (run, model, order, channel). A run is immutable, so the key alone makes a
-- replayed append idempotent (ON CONFLICT DO NOTHING). model_order is the Markov order, 0 for other models.
-- removal_effect is set for Markov only; the *_lower/*_upper columns hold bootstrap percentile intervals and
-- are NULL when the run computed none. journeys = converting + non-converting journeys of the run.
CREATE TABLE IF NOT EXISTS attribution_results (
  run_id            VARCHAR NOT NULL,
  run_at            TIMESTAMP NOT NULL,
  model             VARCHAR NOT NULL,
  model_order       BIGINT NOT NULL,
  window_from       TIMESTAMP NOT NULL,
  window_to         TIMESTAMP NOT NULL,
  channel           VARCHAR NOT NULL,
  removal_effect    DOUBLE,
  conversions       DOUBLE NOT NULL,
  value             DOUBLE NOT NULL,
  conversions_lower DOUBLE,
  conversions_upper DOUBLE,
  value_lower       DOUBLE,
  value_upper       DOUBLE,
  journeys          BIGINT NOT NULL,
  PRIMARY KEY (run_id, model, model_order, channel)
);

-- The Markov chain's transition matrix of a run (sparse: only observed transitions), for the transition graph.
CREATE TABLE IF NOT EXISTS attribution_transitions (
  run_id      VARCHAR NOT NULL,
  run_at      TIMESTAMP NOT NULL,
  model_order BIGINT NOT NULL,
  window_from TIMESTAMP NOT NULL,
  window_to   TIMESTAMP NOT NULL,
  from_state  VARCHAR NOT NULL,
  to_state    VARCHAR NOT NULL,
  probability DOUBLE NOT NULL,
  PRIMARY KEY (run_id, model_order, from_state, to_state)
);
