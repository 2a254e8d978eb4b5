-- Events and new conversations per channel per event-time minute (summed over bus partitions).
SELECT epoch_ms(minute) AS minute_ms, channel,
       CAST(sum(events) AS BIGINT) AS events,
       CAST(sum(conversations) AS BIGINT) AS conversations
FROM channel_minute
WHERE minute >= epoch_ms({from_ms:Int64}) AND minute < epoch_ms({to_ms:Int64})
GROUP BY minute, channel
ORDER BY minute, channel
