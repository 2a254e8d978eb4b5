-- Raw events stored (each producer id once), optionally of one producer.
-- FINAL collapses replayed copies of an event (rows with the same key are identical).
SELECT count() AS events FROM events FINAL
WHERE ({producer:Nullable(String)} IS NULL OR producer = ifNull({producer:Nullable(String)}, ''))
