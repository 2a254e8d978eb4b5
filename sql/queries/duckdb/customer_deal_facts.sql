-- Every won deal of the given customer keys, oldest first (DuckDB keeps only the newest version of each deal).
-- Same columns and rows as ../customer_deal_facts.sql.
SELECT deal_id, customer_key, conversation_id, CAST(epoch_ms(won_at) AS BIGINT) AS won_at_ms, value,
       CAST(epoch_ms(first_touch_at) AS BIGINT) AS first_touch_at_ms, cycle_ms, channel, source, team, agent, tag, version
FROM deal_facts
WHERE list_contains({keys:Array(String)}, customer_key)
ORDER BY won_at_ms, deal_id
