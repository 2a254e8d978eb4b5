-- Where each event was counted: the bus partition and offset (issue 18: dedup exact across a StateStore loss).
-- The stream worker's `seen:` keys hold the same pair; when the StateStore has lost them, the worker asks the
-- warehouse instead: an id stored at another offset is a duplicate, at the same offset a replay. Nullable: rows
-- written before this migration have no offset (they count as counted elsewhere). Twin: duckdb/007_event_offsets.sql.
-- 18.16 has no ADD COLUMN IF NOT EXISTS: the migration runner treats "column already exists" (code 15) as done.
ALTER TABLE events ADD COLUMN bus_partition Nullable(Int32);
ALTER TABLE events ADD COLUMN bus_offset Nullable(Int64);
