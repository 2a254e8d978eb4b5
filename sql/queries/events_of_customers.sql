-- Every stored event of these customers (customer_key in keys), in event-time order: what the stream worker folds again to
-- rebuild their KPI state after the StateStore lost it (stream/state-recovery.ts). Twin: duckdb/events_of_customers.sql.
SELECT producer, id, type, channel, occurred_at_ms, received_at_ms, customer_key, conversation_id, agent_id, customer, properties
FROM events FINAL
WHERE customer_key IN (SELECT arrayJoin(CAST({keys:Array(String)} AS Array(String))))
ORDER BY occurred_at_ms, producer, id
