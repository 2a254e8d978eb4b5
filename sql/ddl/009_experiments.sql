-- Experiment definitions (stream/experiments, docs/experiments.md): one row per save, the highest version wins.
-- The definition is the JSON of ExperimentDefinition; readers take argMax(definition, version) per id.
CREATE TABLE IF NOT EXISTS experiments (
  id            String,
  definition    String,
  updated_at    DateTime('UTC'),
  updated_at_ms Int64,
  version       Int64
) ENGINE = ReplacingMergeTree(version)
ORDER BY id;
