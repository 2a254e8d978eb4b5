-- The attribution job's cheap "anything new?" check: how many conversion events occurred since from_ms and
-- the latest time one was received (same columns as duckdb/attribution_conversion_watermark.sql).
-- uniqExact over the key instead of FINAL: counts each event once without merging the table.
SELECT uniqExact(producer, id) AS conversions, max(received_at_ms) AS max_received_ms
FROM events
WHERE occurred_at_ms >= {from_ms:Int64} AND has(CAST({types:Array(String)} AS Array(String)), type)
