-- Routing history (stream/routing/predictive/history.ts): conversation starts, assignments, closes and won
-- deals with occurred_at in [from_ms, to_ms), ordered by event time. Feeds the conversion model and the replay.
SELECT customer_key, conversation_id, agent_id, type, channel, epoch_ms(occurred_at) AS occurred_at_ms, properties
FROM events
WHERE occurred_at >= epoch_ms({from_ms:Int64}) AND occurred_at < epoch_ms({to_ms:Int64})
  AND type IN ('conversation.started', 'conversation.assigned', 'conversation.closed', 'deal.won')
ORDER BY occurred_at, customer_key, producer, id
