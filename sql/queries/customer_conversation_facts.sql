-- The KPI facts of every conversation of the given customer keys (newest version of each), oldest first: the
-- data-subject export (stream/privacy/customer-export.ts). Same columns and rows as duckdb/customer_conversation_facts.sql.
SELECT conversation_id, customer_key, channel, source, team, agent, tag, started_at_ms, last_event_at_ms,
       first_response_at_ms, first_response_ms, assigned_at_ms, wait_ms, sla_due_at_ms, sla_met, closed_at_ms, duration_ms,
       outcome, messages_in, messages_out, complaint, csat, nps, version
FROM conversation_facts FINAL
WHERE has(CAST({keys:Array(String)} AS Array(String)), customer_key)
ORDER BY started_at_ms, conversation_id
