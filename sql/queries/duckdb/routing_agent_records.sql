-- Agents' conversion records for predictive routing: conversations assigned to each agent and deals won by
-- them, with occurred_at in [from_ms, to_ms).
SELECT
  agent_id,
  count(DISTINCT conversation_id) FILTER (WHERE type = 'conversation.assigned') AS conversations,
  count(*) FILTER (WHERE type = 'deal.won') AS deals
FROM events
WHERE occurred_at >= epoch_ms({from_ms:Int64}) AND occurred_at < epoch_ms({to_ms:Int64})
  AND agent_id IS NOT NULL AND type IN ('conversation.assigned', 'deal.won')
GROUP BY agent_id
ORDER BY agent_id
