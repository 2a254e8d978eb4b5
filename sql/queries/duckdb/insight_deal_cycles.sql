-- insight_deal_cycles: every deal won in [from_ms, to_ms) with an agent, its cycle and conversation (twin of
-- ../insight_deal_cycles.sql). DuckDB keeps only the newest version of each deal_id.
SELECT deal_id, agent, cycle_ms, coalesce(conversation_id, '') AS conversation_id, CAST(epoch_ms(won_at) AS BIGINT) AS won_at_ms
FROM deal_facts
WHERE won_at >= epoch_ms({from_ms:Int64}) AND won_at < epoch_ms({to_ms:Int64}) AND agent <> ''
ORDER BY agent, won_at_ms, deal_id
