-- bot: the FAQ bot against people, per conversation, by the conversation's start (event time), from raw events.
-- A bot reply is a message.sent with properties.bot = true (api/bot-outbound.ts records them); a handoff is a bot
-- message.sent with properties.handoff = true (the "a person is coming" notice); a person's reply is a message.sent
-- without properties.bot = true. Per conversation started in the window:
--   bot conversation = some bot reply; handed off = some handoff notice; with a person = some person's reply;
--   bot-resolved = a bot conversation with no handoff and no person's reply (so far: a later event can change it).
-- Columns: conversations, bot_conversations, bot_resolved, handed_off, resolved_share = bot_resolved / conversations,
-- handoff_rate = handed_off / bot_conversations, csat_bot / csat_human = average CSAT (1-5, the conversation's
-- latest answer) of bot-resolved conversations / conversations with a person, with their counts.
-- bot knows only the channel: group_by channel|none, filter channel.
-- Buckets: bucket_local_ms is the bucket start as local wall-clock time read as if it were UTC (the API turns it
-- into an instant): t + offset(t), offset = tz_offset_ms before the first tz_change_at_ms, else the offset of the
-- last change at or before t (the API fills these from KPI_TIME_ZONE), floored to bucket_s. grp: the group_by
-- dimension's value ('' when group_by is none). Filters: each Nullable; NULL = no filter.
-- events FINAL: each (producer, id) once however often it was written. Replies and CSAT come after the start, so
-- only events from the window's start on are read (the scan stays bounded; CSAT days later still counts).
-- Twin: duckdb/kpi_bot.sql.
SELECT toInt64(intDiv(t_ms + arrayElement(arrayConcat([toInt64({tz_offset_ms:Int64})], arrayMap(tz_o -> toInt64(tz_o), {tz_change_offset_ms:Array(Int64)})), arrayCount(tz_c -> tz_c <= t_ms, {tz_change_at_ms:Array(Int64)}) + 1), {bucket_s:Int64} * 1000) * {bucket_s:Int64} * 1000) AS bucket_local_ms,
       multiIf({group_by:String} = 'channel', channel, '') AS grp,
       toInt64(count()) AS conversations,
       toInt64(countIf(bot > 0)) AS bot_conversations,
       toInt64(countIf(bot > 0 AND handoffs = 0 AND human = 0)) AS bot_resolved,
       toInt64(countIf(handoffs > 0)) AS handed_off,
       toFloat64(countIf(bot > 0 AND handoffs = 0 AND human = 0)) / count() AS resolved_share,
       if(countIf(bot > 0) = 0, NULL, toFloat64(countIf(handoffs > 0)) / countIf(bot > 0)) AS handoff_rate,
       if(countIf(bot > 0 AND handoffs = 0 AND human = 0 AND csat_n > 0) = 0, NULL, sumIf(csat, bot > 0 AND handoffs = 0 AND human = 0 AND csat_n > 0) / countIf(bot > 0 AND handoffs = 0 AND human = 0 AND csat_n > 0)) AS csat_bot,
       toInt64(countIf(bot > 0 AND handoffs = 0 AND human = 0 AND csat_n > 0)) AS csat_bot_count,
       if(countIf(human > 0 AND csat_n > 0) = 0, NULL, sumIf(csat, human > 0 AND csat_n > 0) / countIf(human > 0 AND csat_n > 0)) AS csat_human,
       toInt64(countIf(human > 0 AND csat_n > 0)) AS csat_human_count
FROM (
  SELECT conversation_id,
         minIf(occurred_at_ms, type = 'conversation.started') AS t_ms,
         argMinIf(channel, occurred_at_ms, type = 'conversation.started') AS channel,
         countIf(type = 'message.sent' AND visitParamExtractBool(properties, 'bot') = 1) AS bot,
         countIf(type = 'message.sent' AND visitParamExtractBool(properties, 'bot') = 1 AND visitParamExtractBool(properties, 'handoff') = 1) AS handoffs,
         countIf(type = 'message.sent' AND visitParamExtractBool(properties, 'bot') = 0) AS human,
         countIf(type = 'csat.submitted') AS csat_n,
         toFloat64(argMaxIf(visitParamExtractFloat(properties, 'score'), occurred_at_ms, type = 'csat.submitted')) AS csat
  FROM events FINAL
  WHERE occurred_at_ms >= {from_ms:Int64} AND conversation_id IN (
    SELECT conversation_id FROM events FINAL
    WHERE type = 'conversation.started' AND occurred_at_ms >= {from_ms:Int64} AND occurred_at_ms < {to_ms:Int64})
  GROUP BY conversation_id
)
WHERE t_ms >= {from_ms:Int64} AND t_ms < {to_ms:Int64}
AND ({channel:Nullable(String)} IS NULL OR channel = ifNull({channel:Nullable(String)}, ''))
GROUP BY bucket_local_ms, grp
ORDER BY bucket_local_ms, grp
