-- The highest customer seq (`cus_<n>`) stored in events: the floor the identity counter restarts from if the state
-- store lost its keys, so no new customer gets an old customer's id (stream/identity/identity-service.ts).
-- Twin: duckdb/customer_seq_max.sql.
SELECT toInt64(max(toUInt64OrZero(substring(customer_key, 5)))) AS seq
FROM events
WHERE startsWith(customer_key, 'cus_')
