-- Follow-up outcomes among events that occurred in [from_ms, to_ms): messages sent, sequences stopped by reason
-- (replied, converted, opted_out, cancelled, completed …) and consent opt-outs on any channel (also outside a sequence).
-- FINAL collapses replayed copies (each event id once). Same columns and rows as duckdb/followup_summary.sql.
SELECT toInt64(countIf(type = 'followup.sent')) AS sent,
       toInt64(countIf(type = 'followup.stopped' AND visitParamExtractString(properties, 'reason') = 'replied')) AS replied,
       toInt64(countIf(type = 'followup.stopped' AND visitParamExtractString(properties, 'reason') = 'converted')) AS converted,
       toInt64(countIf(type = 'followup.stopped' AND visitParamExtractString(properties, 'reason') = 'opted_out')) AS stopped_opted_out,
       toInt64(countIf(type = 'followup.stopped' AND visitParamExtractString(properties, 'reason') = 'cancelled')) AS cancelled,
       toInt64(countIf(type = 'followup.stopped' AND visitParamExtractString(properties, 'reason') = 'completed')) AS completed,
       toInt64(countIf(type = 'consent.changed' AND visitParamExtractString(properties, 'state') = 'opted_out')) AS opted_out
FROM events FINAL
WHERE occurred_at_ms >= {from_ms:Int64} AND occurred_at_ms < {to_ms:Int64}
  AND type IN ('followup.sent', 'followup.stopped', 'consent.changed')
