-- Event-time KPIs (issue 6) and routing gauges (issue 5); ClickHouse twin: sql/ddl/004_kpis.sql.

-- Additive KPI counters per event-time minute and dimension tuple, one row per bus partition (each partition's
-- worker owns its rows; readers sum over partitions). Written from the stream's windowed aggregation: each row is
-- the window's full value; the highest version wins, so a late event within the allowed lateness corrects it.
CREATE TABLE IF NOT EXISTS kpi_minute (
  bus_partition  INTEGER NOT NULL,
  minute         TIMESTAMP NOT NULL,
  channel        VARCHAR NOT NULL,
  source         VARCHAR NOT NULL,
  team           VARCHAR NOT NULL,
  agent          VARCHAR NOT NULL,
  tag            VARCHAR NOT NULL,
  events         BIGINT NOT NULL,
  inquiries      BIGINT NOT NULL,
  messages_in    BIGINT NOT NULL,
  messages_out   BIGINT NOT NULL,
  assigned       BIGINT NOT NULL,
  closed         BIGINT NOT NULL,
  opportunities  BIGINT NOT NULL,
  deals          BIGINT NOT NULL,
  deal_value     DOUBLE NOT NULL,
  lost           BIGINT NOT NULL,
  csat_count     BIGINT NOT NULL,
  csat_sum       DOUBLE NOT NULL,
  csat_satisfied BIGINT NOT NULL,
  nps_count      BIGINT NOT NULL,
  nps_promoters  BIGINT NOT NULL,
  nps_detractors BIGINT NOT NULL,
  complaints     BIGINT NOT NULL,
  sla_total      BIGINT NOT NULL,
  sla_met        BIGINT NOT NULL,
  wait_count     BIGINT NOT NULL,
  wait_ms_sum    BIGINT NOT NULL,
  version        BIGINT NOT NULL,
  PRIMARY KEY (bus_partition, minute, channel, source, team, agent, tag)
);

-- One row per conversation: the facts the time-based KPIs need (first response, wait, SLA, duration, outcome).
CREATE TABLE IF NOT EXISTS conversation_facts (
  conversation_id      VARCHAR NOT NULL,
  customer_key         VARCHAR NOT NULL,
  channel              VARCHAR NOT NULL,
  source               VARCHAR NOT NULL,
  team                 VARCHAR NOT NULL,
  agent                VARCHAR NOT NULL,
  tag                  VARCHAR NOT NULL,
  started_at           TIMESTAMP NOT NULL,
  last_event_at        TIMESTAMP NOT NULL,
  first_response_at    TIMESTAMP,
  first_response_ms    BIGINT,
  assigned_at          TIMESTAMP,
  wait_ms              BIGINT,
  sla_due_at           TIMESTAMP,
  sla_met              BIGINT,
  closed_at            TIMESTAMP,
  duration_ms          BIGINT NOT NULL,
  outcome              VARCHAR NOT NULL,
  messages_in          BIGINT NOT NULL,
  messages_out         BIGINT NOT NULL,
  complaint            BIGINT NOT NULL,
  csat                 DOUBLE,
  nps                  BIGINT,
  version              BIGINT NOT NULL,
  PRIMARY KEY (conversation_id)
);

-- One row per agent reply that answered customer messages: response time = reply − earliest unanswered message.
CREATE TABLE IF NOT EXISTS response_times (
  conversation_id VARCHAR NOT NULL,
  reply_id        VARCHAR NOT NULL,
  replied_at      TIMESTAMP NOT NULL,
  inbound_at      TIMESTAMP NOT NULL,
  response_ms     BIGINT NOT NULL,
  channel         VARCHAR NOT NULL,
  source          VARCHAR NOT NULL,
  team            VARCHAR NOT NULL,
  agent           VARCHAR NOT NULL,
  tag             VARCHAR NOT NULL,
  version         BIGINT NOT NULL,
  PRIMARY KEY (conversation_id, reply_id)
);

-- One row per won deal with its cycle: first touch of the customer (any event) to the deal.
CREATE TABLE IF NOT EXISTS deal_facts (
  deal_id           VARCHAR NOT NULL,
  customer_key      VARCHAR NOT NULL,
  conversation_id   VARCHAR,
  won_at            TIMESTAMP NOT NULL,
  value             DOUBLE NOT NULL,
  first_touch_at    TIMESTAMP NOT NULL,
  cycle_ms          BIGINT NOT NULL,
  channel           VARCHAR NOT NULL,
  source            VARCHAR NOT NULL,
  team              VARCHAR NOT NULL,
  agent             VARCHAR NOT NULL,
  tag               VARCHAR NOT NULL,
  version           BIGINT NOT NULL,
  PRIMARY KEY (deal_id)
);

-- Events later than the allowed lateness for a window that was already final: kept and counted, never dropped.
CREATE TABLE IF NOT EXISTS late_events (
  producer        VARCHAR NOT NULL,
  id              VARCHAR NOT NULL,
  bus_partition   INTEGER NOT NULL,
  type            VARCHAR NOT NULL,
  channel         VARCHAR NOT NULL,
  occurred_at     TIMESTAMP NOT NULL,
  received_at     TIMESTAMP NOT NULL,
  window_start    TIMESTAMP NOT NULL,
  watermark       TIMESTAMP NOT NULL,
  late_by_ms      BIGINT NOT NULL,
  recorded_at     TIMESTAMP NOT NULL,
  PRIMARY KEY (producer, id, window_start)
);

-- Routing samples every 10 s: queue length and oldest wait per group, open conversations and capacity per agent.
CREATE TABLE IF NOT EXISTS routing_gauges (
  sampled_at     TIMESTAMP NOT NULL,
  kind           VARCHAR NOT NULL,
  name           VARCHAR NOT NULL,
  team           VARCHAR NOT NULL,
  size           BIGINT NOT NULL,
  capacity       BIGINT NOT NULL,
  oldest_wait_ms BIGINT NOT NULL,
  PRIMARY KEY (sampled_at, kind, name)
);
