-- Raw events stored (each producer id once), optionally of one producer.
SELECT count(*) AS events FROM events
WHERE ({producer:Nullable(String)} IS NULL OR producer = {producer:Nullable(String)})
