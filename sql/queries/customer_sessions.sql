-- Every conversation session of the given customer ids (the customer and the ids merged into it), newest version
-- of each, oldest first: the data-subject export (stream/privacy/customer-export.ts).
-- Same columns and rows as duckdb/customer_sessions.sql.
SELECT id, customer_id, conversation_ids, channels, last_channel, started_at_ms, last_event_at_ms, last_agent, intent, tags,
       urgent, priority, status, version
FROM conversations FINAL
WHERE has(CAST({ids:Array(String)} AS Array(String)), customer_id)  -- the CAST types an empty list on 18.16
ORDER BY started_at_ms, id
