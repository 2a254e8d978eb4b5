-- A customer's cross-channel timeline: every event of the given customer ids (the customer and the ones merged
-- into it), newest first, a page at a time. Same columns and rows as duckdb/customer_timeline.sql.
SELECT producer, id, type, channel, occurred_at_ms, customer_key, conversation_id, agent_id, customer, properties
FROM events FINAL
WHERE has(CAST({keys:Array(String)} AS Array(String)), customer_key)  -- the CAST types an empty list on 18.16
ORDER BY occurred_at_ms DESC, producer DESC, id DESC
LIMIT {offset:Int64}, {limit:Int64}
