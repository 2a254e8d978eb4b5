-- Routing history (stream/routing/predictive/history.ts): conversation starts, assignments, closes and won
-- deals with occurred_at in [from_ms, to_ms), ordered by event time. Feeds the conversion model and the replay.
-- Same columns and rows as duckdb/routing_conversation_events.sql; FINAL collapses replayed copies.
SELECT customer_key, conversation_id, agent_id, type, channel, occurred_at_ms, properties
FROM events FINAL
WHERE occurred_at_ms >= {from_ms:Int64} AND occurred_at_ms < {to_ms:Int64}
  AND type IN ('conversation.started', 'conversation.assigned', 'conversation.closed', 'deal.won')
ORDER BY occurred_at_ms, customer_key, producer, id
