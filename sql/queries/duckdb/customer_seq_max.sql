-- The highest customer seq (`cus_<n>`) stored in events: the floor the identity counter restarts from if the state
-- store lost its keys, so no new customer gets an old customer's id (stream/identity/identity-service.ts).
SELECT CAST(coalesce(max(TRY_CAST(substr(customer_key, 5) AS BIGINT)), 0) AS BIGINT) AS seq
FROM events
WHERE starts_with(customer_key, 'cus_')
