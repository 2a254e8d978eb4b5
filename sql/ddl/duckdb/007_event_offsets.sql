-- Where each event was counted: the bus partition and offset (issue 18: dedup exact across a StateStore loss).
-- See sql/ddl/007_event_offsets.sql. Nullable: rows written before this migration have no offset.
ALTER TABLE events ADD COLUMN bus_partition INTEGER;
ALTER TABLE events ADD COLUMN bus_offset BIGINT;
