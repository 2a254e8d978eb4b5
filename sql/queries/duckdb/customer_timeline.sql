-- A customer's cross-channel timeline: every event of the given customer ids, newest first, a page at a time.
SELECT producer, id, type, channel, epoch_ms(occurred_at) AS occurred_at_ms, customer_key, conversation_id, agent_id, customer, properties
FROM events
WHERE list_contains({keys:Array(String)}, customer_key)
ORDER BY occurred_at DESC, producer DESC, id DESC
LIMIT {limit:Int64} OFFSET {offset:Int64}
