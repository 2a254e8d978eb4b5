-- insight_deal_cycles: every deal won in [from_ms, to_ms) with an agent, its cycle (first touch → deal, ms) and
-- conversation, for the agent deal-cycle insight (stream/insights, docs/experiments.md "Insights"). Newest version
-- per deal_id (argMax over a tuple), then the window, as kpi_deal_cycle.sql does. Twin: duckdb/insight_deal_cycles.sql.
SELECT deal_id, agent, cycle_ms, conversation_id, won_at_ms
FROM (
  SELECT deal_id,
         tupleElement(latest, 1) AS won_at_ms, tupleElement(latest, 2) AS cycle_ms,
         tupleElement(latest, 3) AS agent, tupleElement(latest, 4) AS conversation_id
  FROM (
    SELECT deal_id, argMax(tuple(won_at_ms, cycle_ms, agent, ifNull(conversation_id, '')), version) AS latest
    FROM deal_facts
    WHERE deal_id IN (
      SELECT deal_id FROM deal_facts
      WHERE won_at_ms >= {from_ms:Int64} AND won_at_ms < {to_ms:Int64})
    GROUP BY deal_id
  )
)
WHERE won_at_ms >= {from_ms:Int64} AND won_at_ms < {to_ms:Int64} AND agent != ''
ORDER BY agent, won_at_ms, deal_id
