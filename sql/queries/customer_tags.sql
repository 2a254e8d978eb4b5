-- The tags (properties.tag: VIP, high_value, normal …) a customer's events carried, the most recent first.
-- Same columns and rows as duckdb/customer_tags.sql.
SELECT visitParamExtractString(properties, 'tag') AS tag, count() AS events, max(occurred_at_ms) AS last_ms
FROM events FINAL
WHERE has(CAST({keys:Array(String)} AS Array(String)), customer_key)
  AND visitParamExtractString(properties, 'tag') != ''
GROUP BY tag
ORDER BY last_ms DESC, tag
