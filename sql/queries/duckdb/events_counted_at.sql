-- Where these events were counted (the stream worker's dedup after a StateStore loss, stream/state-recovery.ts):
-- the stored rows among producers × ids (the caller keeps its exact pairs), with the bus partition and offset that
-- counted each (NULL for rows from before migration 007).
SELECT producer, id, bus_partition, bus_offset
FROM events
WHERE list_contains({producers:Array(String)}, producer) AND list_contains({ids:Array(String)}, id)
ORDER BY producer, id
