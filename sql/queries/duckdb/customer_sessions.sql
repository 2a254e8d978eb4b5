-- Every conversation session of the given customer ids, oldest first (DuckDB keeps only the newest version of each).
-- Same columns and rows as ../customer_sessions.sql.
SELECT id, customer_id, conversation_ids, channels, last_channel, CAST(epoch_ms(started_at) AS BIGINT) AS started_at_ms,
       CAST(epoch_ms(last_event_at) AS BIGINT) AS last_event_at_ms, last_agent, intent, tags, urgent, priority, status, version
FROM conversations
WHERE list_contains({ids:Array(String)}, customer_id)
ORDER BY started_at_ms, id
