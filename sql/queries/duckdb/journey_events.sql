-- Events that build attribution journeys (see stream/attribution/journeys.ts): the given types with
-- occurred_at in [from_ms, to_ms), ordered by customer, then event time (producer and id break ties).
SELECT producer, id, customer_key, type, channel, epoch_ms(occurred_at) AS occurred_at_ms, properties
FROM events
WHERE occurred_at >= epoch_ms({from_ms:Int64}) AND occurred_at < epoch_ms({to_ms:Int64})
  AND list_contains({types:Array(String)}, type)
ORDER BY customer_key, occurred_at, producer, id
