-- The tags (properties.tag: VIP, high_value, normal …) a customer's events carried, the most recent first.
SELECT json_extract_string(properties, '$.tag') AS tag, count(*) AS events, epoch_ms(max(occurred_at)) AS last_ms
FROM events
WHERE list_contains({keys:Array(String)}, customer_key)
  AND coalesce(json_extract_string(properties, '$.tag'), '') != ''
GROUP BY 1
ORDER BY last_ms DESC, tag
