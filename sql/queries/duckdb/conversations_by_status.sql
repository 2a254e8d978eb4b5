-- Conversation sessions, highest priority first; open while status is open and the last event is at or after
-- active_since_ms. status is open, closed or all.
SELECT id, customer_id, conversation_ids, channels, last_channel, epoch_ms(started_at) AS started_at_ms,
       epoch_ms(last_event_at) AS last_event_at_ms, last_agent, intent, tags, urgent, priority,
       CASE WHEN status = 'open' AND epoch_ms(last_event_at) >= {active_since_ms:Int64} THEN 'open' ELSE 'closed' END AS state
FROM conversations
WHERE {status:String} = 'all'
   OR (CASE WHEN status = 'open' AND epoch_ms(last_event_at) >= {active_since_ms:Int64} THEN 'open' ELSE 'closed' END) = {status:String}
ORDER BY priority DESC, last_event_at DESC, id
LIMIT {limit:Int64}
