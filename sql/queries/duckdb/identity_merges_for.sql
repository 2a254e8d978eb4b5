-- The identity audit trail of the given customer ids (either side), oldest first.
SELECT merge_id, kind, customer_id, other_id, identifiers, evidence, reason, event_ref, epoch_ms(merged_at) AS merged_at_ms
FROM identity_merges
WHERE list_contains({ids:Array(String)}, customer_id) OR list_contains({ids:Array(String)}, other_id)
ORDER BY merged_at, merge_id
