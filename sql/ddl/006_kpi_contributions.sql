-- KPI minutes and channel minutes as additive contributions (issue 11: late and backfilled events count; issue 18:
-- lost state cannot corrupt an aggregate). Each row holds what one bus batch (bus_partition, batch_offset = the
-- batch's first offset) added to one event-time minute and dimension tuple; readers SUM the rows. An event of any
-- age lands in the minute it belongs to, and nothing depends on state a restart can lose. A worker that replays
-- from offset c first discards the rows of batches at or after c (Warehouse.discardContributions), so a replay cut
-- differently never counts an event twice. The previous tables (kpi_minute, channel_minute: newest version wins)
-- are kept, no longer written; their newest rows are copied here as batch_offset -1 (never discarded).
-- Twin: sql/ddl/duckdb/006_kpi_contributions.sql. ReplacingMergeTree collapses a retried identical write; readers use
-- FINAL. Sorted by minute first so a time range reads only its granules.

CREATE TABLE IF NOT EXISTS kpi_minute_contrib (
  bus_partition  Int32,
  batch_offset   Int64,
  minute         DateTime('UTC'),
  minute_ms      Int64,
  channel        String,
  source         String,
  team           String,
  agent          String,
  tag            String,
  events         Int64,
  inquiries      Int64,
  messages_in    Int64,
  messages_out   Int64,
  assigned       Int64,
  closed         Int64,
  opportunities  Int64,
  deals          Int64,
  deal_value     Float64,
  lost           Int64,
  csat_count     Int64,
  csat_sum       Float64,
  csat_satisfied Int64,
  nps_count      Int64,
  nps_promoters  Int64,
  nps_detractors Int64,
  complaints     Int64,
  sla_total      Int64,
  sla_met        Int64,
  wait_count     Int64,
  wait_ms_sum    Int64,
  version        Int64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(minute)
ORDER BY (minute_ms, channel, source, team, agent, tag, bus_partition, batch_offset);

-- Idempotent if the migration is interrupted and runs again: the same keys and version collapse under FINAL.
INSERT INTO kpi_minute_contrib (bus_partition, batch_offset, minute, minute_ms, channel, source, team, agent, tag, events, inquiries, messages_in, messages_out, assigned, closed, opportunities, deals, deal_value, lost, csat_count, csat_sum, csat_satisfied, nps_count, nps_promoters, nps_detractors, complaints, sla_total, sla_met, wait_count, wait_ms_sum, version)
SELECT bus_partition, toInt64(-1), minute, minute_ms, channel, source, team, agent, tag, events, inquiries, messages_in, messages_out, assigned, closed, opportunities, deals, deal_value, lost, csat_count, csat_sum, csat_satisfied, nps_count, nps_promoters, nps_detractors, complaints, sla_total, sla_met, wait_count, wait_ms_sum, toInt64(0)
FROM kpi_minute FINAL;

CREATE TABLE IF NOT EXISTS channel_minute_contrib (
  bus_partition Int32,
  batch_offset  Int64,
  minute        DateTime('UTC'),
  minute_ms     Int64,
  channel       String,
  events        Int64,
  conversations Int64,
  version       Int64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(minute)
ORDER BY (minute_ms, channel, bus_partition, batch_offset);

INSERT INTO channel_minute_contrib (bus_partition, batch_offset, minute, minute_ms, channel, events, conversations, version)
SELECT bus_partition, toInt64(-1), minute, minute_ms, channel, events, conversations, toInt64(0)
FROM channel_minute FINAL;

-- The argMax view of the old kpi_minute has no reader any more.
DROP TABLE IF EXISTS kpi_minute_latest_mv;
DROP TABLE IF EXISTS kpi_minute_latest;
