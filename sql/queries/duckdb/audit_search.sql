-- Audit entries, newest first, filtered by actor id, action prefix, customer and time ('' matches everything).
SELECT seq, epoch_ms(recorded_at) AS at_ms, actor, action, target, customer_id, ip, status, before, after, prev_hash, hash, signature
FROM audit_log
WHERE ({actor:String} = '' OR strpos(actor, concat('"id":', {actor_json:String})) > 0)
  AND ({action:String} = '' OR starts_with(action, {action:String}))
  AND ({customer:String} = '' OR customer_id = {customer:String})
  AND epoch_ms(recorded_at) >= {from_ms:Int64} AND epoch_ms(recorded_at) < {to_ms:Int64}
ORDER BY seq DESC
LIMIT {limit:Int64} OFFSET {offset:Int64}
