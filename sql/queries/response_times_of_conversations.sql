-- Every agent response time of the given conversations (newest version of each reply), in reply order: the
-- data-subject export (stream/privacy/customer-export.ts; response_times carries no customer, only the conversation).
-- Same columns and rows as duckdb/response_times_of_conversations.sql.
SELECT conversation_id, reply_id, replied_at_ms, inbound_at_ms, response_ms, channel, source, team, agent, tag, version
FROM response_times FINAL
WHERE has(CAST({conversations:Array(String)} AS Array(String)), conversation_id)
ORDER BY conversation_id, replied_at_ms, reply_id
