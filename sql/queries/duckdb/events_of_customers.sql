-- Every stored event of these customers (customer_key in keys), in event-time order: what the stream worker folds again to
-- rebuild their KPI state after the StateStore lost it (stream/state-recovery.ts).
SELECT producer, id, type, channel, CAST(epoch_ms(occurred_at) AS BIGINT) AS occurred_at_ms, CAST(epoch_ms(received_at) AS BIGINT) AS received_at_ms,
       customer_key, conversation_id, agent_id, customer, properties
FROM events
WHERE list_contains({keys:Array(String)}, customer_key)
ORDER BY occurred_at, producer, id
