-- Conversation sessions (newest version of each), highest priority first. A session is open while its status
-- is open and its last event is at or after active_since_ms (now minus SESSION_EXPIRY_MIN); status is open,
-- closed or all. Same columns and rows as duckdb/conversations_by_status.sql.
SELECT id, customer_id, conversation_ids, channels, last_channel, started_at_ms, last_event_at_ms, last_agent, intent, tags,
       urgent, priority,
       if(status = 'open' AND last_event_at_ms >= {active_since_ms:Int64}, 'open', 'closed') AS state
FROM conversations FINAL
WHERE {status:String} = 'all'
   OR if(status = 'open' AND last_event_at_ms >= {active_since_ms:Int64}, 'open', 'closed') = {status:String}
ORDER BY priority DESC, last_event_at_ms DESC, id
LIMIT {limit:Int64}
