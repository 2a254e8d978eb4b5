-- Every won deal of the given customer keys (newest version of each), oldest first: the data-subject export
-- (stream/privacy/customer-export.ts). Same columns and rows as duckdb/customer_deal_facts.sql.
SELECT deal_id, customer_key, conversation_id, won_at_ms, value, first_touch_at_ms, cycle_ms, channel, source, team, agent, tag, version
FROM deal_facts FINAL
WHERE has(CAST({keys:Array(String)} AS Array(String)), customer_key)
ORDER BY won_at_ms, deal_id
