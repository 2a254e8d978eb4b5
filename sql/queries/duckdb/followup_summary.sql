-- Follow-up outcomes among events that occurred in [from_ms, to_ms) (see ../followup_summary.sql).
SELECT count(*) FILTER (WHERE type = 'followup.sent') AS sent,
       count(*) FILTER (WHERE type = 'followup.stopped' AND json_extract_string(properties, '$.reason') = 'replied') AS replied,
       count(*) FILTER (WHERE type = 'followup.stopped' AND json_extract_string(properties, '$.reason') = 'converted') AS converted,
       count(*) FILTER (WHERE type = 'followup.stopped' AND json_extract_string(properties, '$.reason') = 'opted_out') AS stopped_opted_out,
       count(*) FILTER (WHERE type = 'followup.stopped' AND json_extract_string(properties, '$.reason') = 'cancelled') AS cancelled,
       count(*) FILTER (WHERE type = 'followup.stopped' AND json_extract_string(properties, '$.reason') = 'completed') AS completed,
       count(*) FILTER (WHERE type = 'consent.changed' AND json_extract_string(properties, '$.state') = 'opted_out') AS opted_out
FROM events
WHERE epoch_ms(occurred_at) >= {from_ms:Int64} AND epoch_ms(occurred_at) < {to_ms:Int64}
  AND type IN ('followup.sent', 'followup.stopped', 'consent.changed')
