-- The attribution job's cheap "anything new?" check: how many conversion events occurred since from_ms and
-- the latest time one was received. A change in either means new conversions arrived.
SELECT count(*) AS conversions, coalesce(epoch_ms(max(received_at)), 0) AS max_received_ms
FROM events
WHERE occurred_at >= epoch_ms({from_ms:Int64}) AND list_contains({types:Array(String)}, type)
