-- Experiment definitions, the newest version of each id (twin: duckdb/experiments_latest.sql).
SELECT id, argMax(definition, version) AS definition
FROM experiments
GROUP BY id
ORDER BY id
