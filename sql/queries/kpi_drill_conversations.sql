-- The conversations behind one bucket of a KPI (drill-down), newest version of each conversation, at most {limit}.
-- time_col picks the time the KPI counts by: started_at (default), assigned_at, last_event_at, or won_at (the
-- conversation of a deal won in the range); only narrows to the conversations the KPI counts: first_response,
-- closed, assigned, csat, nps, complaint, opportunity (outcome opportunity or deal), deal, else all.
-- Newest version first (argMax over a tuple keeps NULLs), then the range: a newer version can move the times.
-- Twin: duckdb/kpi_drill_conversations.sql.
SELECT conversation_id, customer_key, channel, source, team, agent, tag, started_at_ms, first_response_ms, outcome
FROM (
  SELECT conversation_id,
         tupleElement(latest, 1) AS customer_key, tupleElement(latest, 2) AS channel, tupleElement(latest, 3) AS source,
         tupleElement(latest, 4) AS team, tupleElement(latest, 5) AS agent, tupleElement(latest, 6) AS tag,
         tupleElement(latest, 7) AS started_at_ms, tupleElement(latest, 8) AS first_response_ms,
         tupleElement(latest, 9) AS outcome, tupleElement(latest, 10) AS assigned_at_ms,
         tupleElement(latest, 11) AS last_event_at_ms, tupleElement(latest, 12) AS closed_at_ms,
         tupleElement(latest, 13) AS csat, tupleElement(latest, 14) AS nps, tupleElement(latest, 15) AS complaint
  FROM (
    SELECT conversation_id,
           argMax(tuple(customer_key, channel, source, team, agent, tag, started_at_ms, first_response_ms, outcome,
                        assigned_at_ms, last_event_at_ms, closed_at_ms, csat, nps, complaint), version) AS latest
    FROM conversation_facts
    WHERE conversation_id IN (
      SELECT conversation_id FROM conversation_facts
      WHERE (started_at_ms >= {from_ms:Int64} AND started_at_ms < {to_ms:Int64})
         OR (assigned_at_ms >= {from_ms:Int64} AND assigned_at_ms < {to_ms:Int64})
         OR (last_event_at_ms >= {from_ms:Int64} AND last_event_at_ms < {to_ms:Int64})
      UNION ALL
      SELECT ifNull(conversation_id, '') FROM deal_facts
      WHERE {time_col:String} = 'won_at' AND won_at_ms >= {from_ms:Int64} AND won_at_ms < {to_ms:Int64})
    GROUP BY conversation_id
  )
)
WHERE multiIf({time_col:String} = 'won_at', conversation_id IN (
          SELECT deal_conversation FROM (
            SELECT argMax(tuple(ifNull(conversation_id, ''), won_at_ms), version) AS d,
                   tupleElement(d, 1) AS deal_conversation, tupleElement(d, 2) AS deal_won_ms
            FROM deal_facts
            WHERE deal_id IN (SELECT deal_id FROM deal_facts WHERE won_at_ms >= {from_ms:Int64} AND won_at_ms < {to_ms:Int64})
            GROUP BY deal_id)
          WHERE deal_won_ms >= {from_ms:Int64} AND deal_won_ms < {to_ms:Int64}),
        {time_col:String} = 'assigned_at', ifNull(assigned_at_ms >= {from_ms:Int64} AND assigned_at_ms < {to_ms:Int64}, 0),
        {time_col:String} = 'last_event_at', last_event_at_ms >= {from_ms:Int64} AND last_event_at_ms < {to_ms:Int64},
        started_at_ms >= {from_ms:Int64} AND started_at_ms < {to_ms:Int64})
  AND multiIf({only:String} = 'first_response', first_response_ms IS NOT NULL,
              {only:String} = 'closed', closed_at_ms IS NOT NULL,
              {only:String} = 'assigned', assigned_at_ms IS NOT NULL,
              {only:String} = 'csat', csat IS NOT NULL,
              {only:String} = 'nps', nps IS NOT NULL,
              {only:String} = 'complaint', complaint > 0,
              {only:String} = 'opportunity', outcome IN ('opportunity', 'deal'),
              {only:String} = 'deal', outcome = 'deal',
              1)
  AND ({channel:Nullable(String)} IS NULL OR channel = ifNull({channel:Nullable(String)}, ''))
  AND ({source:Nullable(String)} IS NULL OR source = ifNull({source:Nullable(String)}, ''))
  AND ({team:Nullable(String)} IS NULL OR team = ifNull({team:Nullable(String)}, ''))
  AND ({agent:Nullable(String)} IS NULL OR agent = ifNull({agent:Nullable(String)}, ''))
  AND ({tag:Nullable(String)} IS NULL OR tag = ifNull({tag:Nullable(String)}, ''))
ORDER BY started_at_ms DESC, conversation_id
LIMIT {limit:Int64}
