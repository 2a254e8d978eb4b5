-- Experiment definitions (stream/experiments, docs/experiments.md): the newest version per id is kept.
CREATE TABLE IF NOT EXISTS experiments (
  id         VARCHAR NOT NULL PRIMARY KEY,
  definition VARCHAR NOT NULL,
  updated_at TIMESTAMP NOT NULL,
  version    BIGINT NOT NULL
);
