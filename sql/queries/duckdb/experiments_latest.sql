-- Experiment definitions: DuckDB keeps only the newest version of each id.
SELECT id, definition FROM experiments ORDER BY id
