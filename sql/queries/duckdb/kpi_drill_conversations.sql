-- The conversations behind one bucket of a KPI (drill-down), at most {limit}. time_col: started_at (default),
-- assigned_at, last_event_at, or won_at (the conversation of a deal won in the range); only: first_response,
-- closed, assigned, csat, nps, complaint, opportunity (outcome opportunity or deal), deal, else all.
SELECT conversation_id, customer_key, channel, source, team, agent, tag,
       CAST(epoch_ms(started_at) AS BIGINT) AS started_at_ms, first_response_ms, outcome
FROM conversation_facts c
WHERE CASE WHEN {time_col:String} = 'won_at' THEN conversation_id IN (
               SELECT conversation_id FROM deal_facts
               WHERE won_at >= epoch_ms({from_ms:Int64}) AND won_at < epoch_ms({to_ms:Int64}) AND conversation_id IS NOT NULL)
           WHEN {time_col:String} = 'assigned_at' THEN coalesce(assigned_at >= epoch_ms({from_ms:Int64}) AND assigned_at < epoch_ms({to_ms:Int64}), false)
           WHEN {time_col:String} = 'last_event_at' THEN last_event_at >= epoch_ms({from_ms:Int64}) AND last_event_at < epoch_ms({to_ms:Int64})
           ELSE started_at >= epoch_ms({from_ms:Int64}) AND started_at < epoch_ms({to_ms:Int64}) END
  AND CASE WHEN {only:String} = 'first_response' THEN first_response_ms IS NOT NULL
           WHEN {only:String} = 'closed' THEN closed_at IS NOT NULL
           WHEN {only:String} = 'assigned' THEN assigned_at IS NOT NULL
           WHEN {only:String} = 'csat' THEN csat IS NOT NULL
           WHEN {only:String} = 'nps' THEN nps IS NOT NULL
           WHEN {only:String} = 'complaint' THEN complaint > 0
           WHEN {only:String} = 'opportunity' THEN outcome IN ('opportunity', 'deal')
           WHEN {only:String} = 'deal' THEN outcome = 'deal'
           ELSE true END
  AND ({channel:Nullable(String)} IS NULL OR channel = {channel:Nullable(String)})
  AND ({source:Nullable(String)} IS NULL OR source = {source:Nullable(String)})
  AND ({team:Nullable(String)} IS NULL OR team = {team:Nullable(String)})
  AND ({agent:Nullable(String)} IS NULL OR agent = {agent:Nullable(String)})
  AND ({tag:Nullable(String)} IS NULL OR tag = {tag:Nullable(String)})
ORDER BY started_at_ms DESC, conversation_id
LIMIT {limit:Int64}
