-- Events that build attribution journeys (see stream/attribution/journeys.ts): the given types with
-- occurred_at in [from_ms, to_ms), ordered by customer, then event time (producer and id break ties).
-- Same columns and rows as duckdb/journey_events.sql; FINAL collapses replayed copies.
SELECT producer, id, customer_key, type, channel, occurred_at_ms, properties
FROM events FINAL
WHERE occurred_at_ms >= {from_ms:Int64} AND occurred_at_ms < {to_ms:Int64}
  AND has(CAST({types:Array(String)} AS Array(String)), type)  -- the CAST types an empty list on 18.16
ORDER BY customer_key, occurred_at_ms, producer, id
