-- Conversations, with their customers, ever assigned to one of {agents} (conversation.assigned events): the
-- ownership behind row-level access (api/routing/ownership.ts). Narrowed to {customers} and to {conversations}
-- unless that list is empty. Duplicates of a replayed event collapse in DISTINCT, so no FINAL is needed.
-- Twin: duckdb/owned_conversations.sql.
SELECT DISTINCT ifNull(conversation_id, '') AS conversation_id, customer_key
FROM events
WHERE type = 'conversation.assigned'
  AND has(CAST({agents:Array(String)} AS Array(String)), ifNull(agent_id, ''))
  AND (length(CAST({customers:Array(String)} AS Array(String))) = 0 OR has(CAST({customers:Array(String)} AS Array(String)), customer_key))
  AND (length(CAST({conversations:Array(String)} AS Array(String))) = 0 OR has(CAST({conversations:Array(String)} AS Array(String)), ifNull(conversation_id, '')))
ORDER BY conversation_id, customer_key
LIMIT {limit:Int64}
