-- ClickHouse twin of sql/ddl/duckdb/004_kpis.sql: event-time KPIs (issue 6) and routing gauges (issue 5).
-- Runs on 18.16: DateTime('UTC') + X_ms Int64 columns, ReplacingMergeTree keyed like warehouse/tables.ts.
-- Readers deduplicate with FINAL (or the argMax views of 005) until merges collapse versions.

-- Additive KPI counters per event-time minute and dimension tuple, one row per bus partition (each partition's
-- worker owns its rows; readers sum over partitions). Written from the stream's windowed aggregation: each row is
-- the window's full value; the highest version wins, so a late event within the allowed lateness corrects it.
CREATE TABLE IF NOT EXISTS kpi_minute (
  bus_partition  Int32,
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
ORDER BY (bus_partition, minute, channel, source, team, agent, tag);

-- One row per conversation: the facts the time-based KPIs need (first response, wait, SLA, duration, outcome).
CREATE TABLE IF NOT EXISTS conversation_facts (
  conversation_id      String,
  customer_key         String,
  channel              String,
  source               String,
  team                 String,
  agent                String,
  tag                  String,
  started_at           DateTime('UTC'),
  started_at_ms        Int64,
  last_event_at        DateTime('UTC'),
  last_event_at_ms     Int64,
  first_response_at    Nullable(DateTime('UTC')),
  first_response_at_ms Nullable(Int64),
  first_response_ms    Nullable(Int64),
  assigned_at          Nullable(DateTime('UTC')),
  assigned_at_ms       Nullable(Int64),
  wait_ms              Nullable(Int64),
  sla_due_at           Nullable(DateTime('UTC')),
  sla_due_at_ms        Nullable(Int64),
  sla_met              Nullable(Int64),
  closed_at            Nullable(DateTime('UTC')),
  closed_at_ms         Nullable(Int64),
  duration_ms          Int64,
  outcome              String,
  messages_in          Int64,
  messages_out         Int64,
  complaint            Int64,
  csat                 Nullable(Float64),
  nps                  Nullable(Int64),
  version              Int64
) ENGINE = ReplacingMergeTree(version)
ORDER BY conversation_id;

-- One row per agent reply that answered customer messages: response time = reply − earliest unanswered message.
CREATE TABLE IF NOT EXISTS response_times (
  conversation_id String,
  reply_id        String,
  replied_at      DateTime('UTC'),
  replied_at_ms   Int64,
  inbound_at      DateTime('UTC'),
  inbound_at_ms   Int64,
  response_ms     Int64,
  channel         String,
  source          String,
  team            String,
  agent           String,
  tag             String,
  version         Int64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(replied_at)
ORDER BY (conversation_id, reply_id);

-- One row per won deal with its cycle: first touch of the customer (any event) to the deal.
CREATE TABLE IF NOT EXISTS deal_facts (
  deal_id           String,
  customer_key      String,
  conversation_id   Nullable(String),
  won_at            DateTime('UTC'),
  won_at_ms         Int64,
  value             Float64,
  first_touch_at    DateTime('UTC'),
  first_touch_at_ms Int64,
  cycle_ms          Int64,
  channel           String,
  source            String,
  team              String,
  agent             String,
  tag               String,
  version           Int64
) ENGINE = ReplacingMergeTree(version)
ORDER BY deal_id;

-- Events later than the allowed lateness for a window that was already final: kept and counted, never dropped.
CREATE TABLE IF NOT EXISTS late_events (
  producer        String,
  id              String,
  bus_partition   Int32,
  type            String,
  channel         String,
  occurred_at     DateTime('UTC'),
  occurred_at_ms  Int64,
  received_at     DateTime('UTC'),
  received_at_ms  Int64,
  window_start    DateTime('UTC'),
  window_start_ms Int64,
  watermark       DateTime('UTC'),
  watermark_ms    Int64,
  late_by_ms      Int64,
  recorded_at     DateTime('UTC'),
  recorded_at_ms  Int64
) ENGINE = ReplacingMergeTree
ORDER BY (producer, id, window_start_ms);

-- Routing samples every 10 s: queue length and oldest wait per group, open conversations and capacity per agent.
CREATE TABLE IF NOT EXISTS routing_gauges (
  sampled_at     DateTime('UTC'),
  sampled_at_ms  Int64,
  kind           String,
  name           String,
  team           String,
  size           Int64,
  capacity       Int64,
  oldest_wait_ms Int64
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(sampled_at)
ORDER BY (sampled_at_ms, kind, name);
