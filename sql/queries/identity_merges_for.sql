-- The identity audit trail of the given customer ids: merges, refused merges and splits where they are either
-- side, oldest first. Same columns and rows as duckdb/identity_merges_for.sql.
SELECT merge_id, kind, customer_id, other_id, identifiers, evidence, reason, event_ref, merged_at_ms
FROM identity_merges FINAL
WHERE has(CAST({ids:Array(String)} AS Array(String)), customer_id) OR has(CAST({ids:Array(String)} AS Array(String)), other_id)
ORDER BY merged_at_ms, merge_id
