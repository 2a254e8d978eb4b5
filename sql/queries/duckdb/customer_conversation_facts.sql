-- The KPI facts of every conversation of the given customer keys, oldest first (DuckDB keeps only the newest version).
-- Same columns and rows as ../customer_conversation_facts.sql.
SELECT conversation_id, customer_key, channel, source, team, agent, tag,
       CAST(epoch_ms(started_at) AS BIGINT) AS started_at_ms, CAST(epoch_ms(last_event_at) AS BIGINT) AS last_event_at_ms,
       CAST(epoch_ms(first_response_at) AS BIGINT) AS first_response_at_ms, first_response_ms,
       CAST(epoch_ms(assigned_at) AS BIGINT) AS assigned_at_ms, wait_ms, CAST(epoch_ms(sla_due_at) AS BIGINT) AS sla_due_at_ms,
       sla_met, CAST(epoch_ms(closed_at) AS BIGINT) AS closed_at_ms, duration_ms, outcome, messages_in, messages_out, complaint,
       csat, nps, version
FROM conversation_facts
WHERE list_contains({keys:Array(String)}, customer_key)
ORDER BY started_at_ms, conversation_id
