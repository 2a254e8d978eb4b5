-- Where these events were counted (the stream worker's dedup after a StateStore loss, stream/state-recovery.ts):
-- the stored rows among producers × ids (the caller keeps its exact pairs), with the bus partition and offset that
-- counted each (NULL for rows from before migration 007). The IN subqueries let ClickHouse use the (producer, id)
-- primary key. Twin: duckdb/events_counted_at.sql.
SELECT producer, id, bus_partition, bus_offset
FROM events FINAL
WHERE producer IN (SELECT arrayJoin(CAST({producers:Array(String)} AS Array(String))))
  AND id IN (SELECT arrayJoin(CAST({ids:Array(String)} AS Array(String))))
ORDER BY producer, id
