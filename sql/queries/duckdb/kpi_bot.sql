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
SELECT bucket_local_ms, grp,
       CAST(count(*) AS BIGINT) AS conversations,
       CAST(count(*) FILTER (WHERE bot > 0) AS BIGINT) AS bot_conversations,
       CAST(count(*) FILTER (WHERE resolved) AS BIGINT) AS bot_resolved,
       CAST(count(*) FILTER (WHERE handoffs > 0) AS BIGINT) AS handed_off,
       CAST(count(*) FILTER (WHERE resolved) AS DOUBLE) / count(*) AS resolved_share,
       CASE WHEN count(*) FILTER (WHERE bot > 0) = 0 THEN NULL ELSE CAST(count(*) FILTER (WHERE handoffs > 0) AS DOUBLE) / count(*) FILTER (WHERE bot > 0) END AS handoff_rate,
       avg(csat) FILTER (WHERE resolved AND csat IS NOT NULL) AS csat_bot,
       CAST(count(csat) FILTER (WHERE resolved) AS BIGINT) AS csat_bot_count,
       avg(csat) FILTER (WHERE human > 0 AND csat IS NOT NULL) AS csat_human,
       CAST(count(csat) FILTER (WHERE human > 0) AS BIGINT) AS csat_human_count
FROM (
  SELECT CAST(((t_ms + list_concat([{tz_offset_ms:Int64}], {tz_change_offset_ms:Array(Int64)})[len(list_filter({tz_change_at_ms:Array(Int64)}, lambda tz_c: tz_c <= t_ms)) + 1]) // ({bucket_s:Int64} * 1000)) * {bucket_s:Int64} * 1000 AS BIGINT) AS bucket_local_ms,
         CASE WHEN {group_by:String} = 'channel' THEN channel ELSE '' END AS grp,
         bot, handoffs, human, csat, bot > 0 AND handoffs = 0 AND human = 0 AS resolved
  FROM (
    SELECT conversation_id,
           CAST(min(epoch_ms(occurred_at)) FILTER (WHERE type = 'conversation.started') AS BIGINT) AS t_ms,
           arg_min(channel, occurred_at) FILTER (WHERE type = 'conversation.started') AS channel,
           count(*) FILTER (WHERE type = 'message.sent' AND coalesce(json_extract(properties, '$.bot') = 'true'::JSON, false)) AS bot,
           count(*) FILTER (WHERE type = 'message.sent' AND coalesce(json_extract(properties, '$.bot') = 'true'::JSON, false) AND coalesce(json_extract(properties, '$.handoff') = 'true'::JSON, false)) AS handoffs,
           count(*) FILTER (WHERE type = 'message.sent' AND NOT coalesce(json_extract(properties, '$.bot') = 'true'::JSON, false)) AS human,
           CAST(arg_max(json_extract(properties, '$.score'), occurred_at) FILTER (WHERE type = 'csat.submitted') AS DOUBLE) AS csat
    FROM events
    WHERE occurred_at >= epoch_ms({from_ms:Int64}) AND conversation_id IN (
      SELECT conversation_id FROM events
      WHERE type = 'conversation.started' AND occurred_at >= epoch_ms({from_ms:Int64}) AND occurred_at < epoch_ms({to_ms:Int64}))
    GROUP BY conversation_id
  )
  WHERE t_ms >= {from_ms:Int64} AND t_ms < {to_ms:Int64}
  AND ({channel:Nullable(String)} IS NULL OR channel = {channel:Nullable(String)})
)
GROUP BY bucket_local_ms, grp
ORDER BY bucket_local_ms, grp
