-- Materialized views over the KPI tables (issue 6), the 18.16 subset: AggregatingMergeTree fed by an MV with -State.
-- Twin: sql/ddl/duckdb/005_kpi_views.sql (plain views: DuckDB keeps only the newest version already).
--
-- kpi_minute_latest: the newest version of every kpi_minute key, as argMaxState(counter, version). Readers take
-- argMaxMerge grouped by the key instead of FINAL, and the sorting key starts with minute_ms, so a time range reads
-- only its granules (kpi_minute is sorted by bus_partition first). Correct under versioned re-writes and replays:
-- argMax keeps the highest version whatever order, and merging the same state twice changes nothing, so the
-- backfill below may overlap rows the view already saw. (A SUM rollup would add every version: see docs/metrics.md
-- for why no hourly rollup is kept.)
CREATE TABLE IF NOT EXISTS kpi_minute_latest (
  bus_partition  Int32,
  minute         DateTime('UTC'),
  minute_ms      Int64,
  channel        String,
  source         String,
  team           String,
  agent          String,
  tag            String,
  events         AggregateFunction(argMax, Int64, Int64),
  inquiries      AggregateFunction(argMax, Int64, Int64),
  messages_in    AggregateFunction(argMax, Int64, Int64),
  messages_out   AggregateFunction(argMax, Int64, Int64),
  assigned       AggregateFunction(argMax, Int64, Int64),
  closed         AggregateFunction(argMax, Int64, Int64),
  opportunities  AggregateFunction(argMax, Int64, Int64),
  deals          AggregateFunction(argMax, Int64, Int64),
  deal_value     AggregateFunction(argMax, Float64, Int64),
  lost           AggregateFunction(argMax, Int64, Int64),
  csat_count     AggregateFunction(argMax, Int64, Int64),
  csat_sum       AggregateFunction(argMax, Float64, Int64),
  csat_satisfied AggregateFunction(argMax, Int64, Int64),
  nps_count      AggregateFunction(argMax, Int64, Int64),
  nps_promoters  AggregateFunction(argMax, Int64, Int64),
  nps_detractors AggregateFunction(argMax, Int64, Int64),
  complaints     AggregateFunction(argMax, Int64, Int64),
  sla_total      AggregateFunction(argMax, Int64, Int64),
  sla_met        AggregateFunction(argMax, Int64, Int64),
  wait_count     AggregateFunction(argMax, Int64, Int64),
  wait_ms_sum    AggregateFunction(argMax, Int64, Int64)
) ENGINE = AggregatingMergeTree()
PARTITION BY toYYYYMM(minute)
ORDER BY (minute_ms, channel, source, team, agent, tag, bus_partition);

CREATE MATERIALIZED VIEW IF NOT EXISTS kpi_minute_latest_mv TO kpi_minute_latest AS
SELECT bus_partition, minute, minute_ms, channel, source, team, agent, tag,
       argMaxState(events, version) AS events, argMaxState(inquiries, version) AS inquiries, argMaxState(messages_in, version) AS messages_in, argMaxState(messages_out, version) AS messages_out, argMaxState(assigned, version) AS assigned, argMaxState(closed, version) AS closed, argMaxState(opportunities, version) AS opportunities, argMaxState(deals, version) AS deals, argMaxState(deal_value, version) AS deal_value, argMaxState(lost, version) AS lost, argMaxState(csat_count, version) AS csat_count, argMaxState(csat_sum, version) AS csat_sum, argMaxState(csat_satisfied, version) AS csat_satisfied, argMaxState(nps_count, version) AS nps_count, argMaxState(nps_promoters, version) AS nps_promoters, argMaxState(nps_detractors, version) AS nps_detractors, argMaxState(complaints, version) AS complaints, argMaxState(sla_total, version) AS sla_total, argMaxState(sla_met, version) AS sla_met, argMaxState(wait_count, version) AS wait_count, argMaxState(wait_ms_sum, version) AS wait_ms_sum
FROM kpi_minute
GROUP BY bus_partition, minute, minute_ms, channel, source, team, agent, tag;

-- Backfill what kpi_minute held before the view existed (idempotent: see above).
INSERT INTO kpi_minute_latest
SELECT bus_partition, minute, minute_ms, channel, source, team, agent, tag,
       argMaxState(events, version) AS events, argMaxState(inquiries, version) AS inquiries, argMaxState(messages_in, version) AS messages_in, argMaxState(messages_out, version) AS messages_out, argMaxState(assigned, version) AS assigned, argMaxState(closed, version) AS closed, argMaxState(opportunities, version) AS opportunities, argMaxState(deals, version) AS deals, argMaxState(deal_value, version) AS deal_value, argMaxState(lost, version) AS lost, argMaxState(csat_count, version) AS csat_count, argMaxState(csat_sum, version) AS csat_sum, argMaxState(csat_satisfied, version) AS csat_satisfied, argMaxState(nps_count, version) AS nps_count, argMaxState(nps_promoters, version) AS nps_promoters, argMaxState(nps_detractors, version) AS nps_detractors, argMaxState(complaints, version) AS complaints, argMaxState(sla_total, version) AS sla_total, argMaxState(sla_met, version) AS sla_met, argMaxState(wait_count, version) AS wait_count, argMaxState(wait_ms_sum, version) AS wait_ms_sum
FROM kpi_minute
GROUP BY bus_partition, minute, minute_ms, channel, source, team, agent, tag;
