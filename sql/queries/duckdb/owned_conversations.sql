-- Conversations, with their customers, ever assigned to one of {agents}: ownership for row-level access.
-- Same columns and rows as ../owned_conversations.sql.
SELECT DISTINCT coalesce(conversation_id, '') AS conversation_id, customer_key
FROM events
WHERE type = 'conversation.assigned'
  AND list_contains({agents:Array(String)}, coalesce(agent_id, ''))
  AND (len({customers:Array(String)}) = 0 OR list_contains({customers:Array(String)}, customer_key))
  AND (len({conversations:Array(String)}) = 0 OR list_contains({conversations:Array(String)}, coalesce(conversation_id, '')))
ORDER BY conversation_id, customer_key
LIMIT {limit:Int64}
