-- Every agent response time of the given conversations, in reply order (DuckDB keeps only the newest version).
-- Same columns and rows as ../response_times_of_conversations.sql.
SELECT conversation_id, reply_id, CAST(epoch_ms(replied_at) AS BIGINT) AS replied_at_ms, CAST(epoch_ms(inbound_at) AS BIGINT) AS inbound_at_ms,
       response_ms, channel, source, team, agent, tag, version
FROM response_times
WHERE list_contains({conversations:Array(String)}, conversation_id)
ORDER BY conversation_id, replied_at_ms, reply_id
