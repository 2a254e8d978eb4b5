-- Funnel inquiry → opportunity → deal per group (docs/metrics.md, "Funnel"). One unit per customer:
-- inquiry = the customer's first conversation.started in [from_ms, to_ms); opportunity = the first
-- opportunity.created within window_ms after the inquiry; deal = the first deal.won within window_ms after that
-- opportunity (its properties.value is the deal value). The group is the inquiry's channel, properties.source
-- or properties.tag (by = channel | source | segment; '' when the property is missing).
WITH ev AS (
  SELECT customer_key, type, channel, epoch_ms(occurred_at) AS t, id, properties
  FROM events
  WHERE occurred_at >= epoch_ms({from_ms:Int64})
    AND occurred_at <= epoch_ms({to_ms:Int64} + 2 * {window_ms:Int64})
    AND type IN ('conversation.started', 'opportunity.created', 'deal.won')
),
inq AS (
  SELECT customer_key,
         min(t) AS inquiry_at,
         arg_min(CASE {by:String}
                   WHEN 'source' THEN coalesce(json_extract_string(properties, '$.source'), '')
                   WHEN 'segment' THEN coalesce(json_extract_string(properties, '$.tag'), '')
                   ELSE channel END, t) AS grp
  FROM ev
  WHERE type = 'conversation.started' AND t < {to_ms:Int64}
  GROUP BY customer_key
),
opp AS (
  SELECT i.customer_key, min(e.t) AS opp_at
  FROM inq i JOIN ev e
    ON e.customer_key = i.customer_key AND e.type = 'opportunity.created'
   AND e.t >= i.inquiry_at AND e.t <= i.inquiry_at + {window_ms:Int64}
  GROUP BY i.customer_key
),
deal AS (
  SELECT o.customer_key, min(e.t) AS deal_at,
         arg_min(coalesce(TRY_CAST(json_extract(e.properties, '$.value') AS DOUBLE), 0), e.t) AS deal_value
  FROM opp o JOIN ev e
    ON e.customer_key = o.customer_key AND e.type = 'deal.won'
   AND e.t >= o.opp_at AND e.t <= o.opp_at + {window_ms:Int64}
  GROUP BY o.customer_key
)
SELECT i.grp AS key,
       count(*) AS inquiries,
       count(o.opp_at) AS opportunities,
       count(d.deal_at) AS deals,
       coalesce(sum(d.deal_value), 0) AS deal_value,
       avg(o.opp_at - i.inquiry_at) AS avg_inquiry_to_opportunity_ms,
       avg(d.deal_at - o.opp_at) AS avg_opportunity_to_deal_ms,
       avg(d.deal_at - i.inquiry_at) AS avg_inquiry_to_deal_ms
FROM inq i
LEFT JOIN opp o ON o.customer_key = i.customer_key
LEFT JOIN deal d ON d.customer_key = i.customer_key
GROUP BY i.grp
ORDER BY inquiries DESC, key
