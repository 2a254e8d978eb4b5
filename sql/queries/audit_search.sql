-- Audit entries, newest first, filtered by actor id (matches actor JSON's "id"), action prefix, customer and time;
-- an empty string filter matches everything. Same columns and rows as duckdb/audit_search.sql.
SELECT seq, recorded_at_ms AS at_ms, actor, action, target, customer_id, ip, status, before, after, prev_hash, hash, signature
FROM audit_log FINAL
WHERE ({actor:String} = '' OR position(actor, concat('"id":', {actor_json:String})) > 0)
  AND ({action:String} = '' OR startsWith(action, {action:String}))
  AND ({customer:String} = '' OR customer_id = {customer:String})
  AND recorded_at_ms >= {from_ms:Int64} AND recorded_at_ms < {to_ms:Int64}
ORDER BY seq DESC
LIMIT {limit:Int64} OFFSET {offset:Int64}
