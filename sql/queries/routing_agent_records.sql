-- Agents' conversion records for predictive routing: conversations assigned to each agent and deals won by
-- them, with occurred_at in [from_ms, to_ms). Same columns and rows as duckdb/routing_agent_records.sql.
-- 18.16-safe: -If combinators, no window functions; FINAL collapses replayed copies. The inner alias is not
-- `agent_id` because ClickHouse aliases shadow columns in WHERE too.
SELECT agent AS agent_id, conversations, deals
FROM (
  SELECT
    assumeNotNull(agent_id) AS agent,
    uniqExactIf(assumeNotNull(conversation_id), type = 'conversation.assigned' AND isNotNull(conversation_id)) AS conversations,
    countIf(type = 'deal.won') AS deals
  FROM events FINAL
  WHERE occurred_at_ms >= {from_ms:Int64} AND occurred_at_ms < {to_ms:Int64}
    AND isNotNull(agent_id) AND type IN ('conversation.assigned', 'deal.won')
  GROUP BY agent
)
ORDER BY agent_id
