-- ClickHouse schema, the same tables and columns as sql/ddl/duckdb/001_core.sql.
-- Runs on ClickHouse 18.16 and current releases: no DateTime64, no TTL, no LowCardinality.
--
-- Idempotency: every table is a ReplacingMergeTree whose ORDER BY is the key of
-- warehouse/tables.ts, so a replayed batch adds rows that merges collapse; until
-- they do, readers deduplicate (FINAL, as every query in sql/queries does).
-- Timestamps: each epoch-millisecond column X is stored twice: X as
-- DateTime('UTC') (seconds, for humans, partitions and date functions) and X_ms
-- as Int64 (the exact milliseconds the named queries use).
-- Every statement is IF NOT EXISTS: a migration interrupted half-way re-runs.

-- Raw events: one row per (producer, id), whatever is retried or replayed.
CREATE TABLE IF NOT EXISTS events (
  producer        String,
  id              String,
  type            String,
  channel         String,
  occurred_at     DateTime('UTC'),
  occurred_at_ms  Int64,
  received_at     DateTime('UTC'),
  received_at_ms  Int64,
  customer_key    String,
  conversation_id Nullable(String),
  agent_id        Nullable(String),
  customer        String,
  properties      String
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (producer, id);

-- Per-minute counts per channel, one row per bus partition (each partition's
-- worker owns its rows); readers sum over partitions. Highest version wins.
CREATE TABLE IF NOT EXISTS channel_minute (
  bus_partition Int32,
  minute        DateTime('UTC'),
  minute_ms     Int64,
  channel       String,
  events        Int64,
  conversations Int64,
  version       Int64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(minute)
ORDER BY (bus_partition, minute, channel);

-- First response per conversation (highest version wins).
CREATE TABLE IF NOT EXISTS conversation_first_response (
  conversation_id      String,
  customer_key         String,
  channel              String,
  started_at           DateTime('UTC'),
  started_at_ms        Int64,
  first_response_at    Nullable(DateTime('UTC')),
  first_response_at_ms Nullable(Int64),
  first_response_ms    Nullable(Int64),
  agent_id             Nullable(String),
  version              Int64
) ENGINE = ReplacingMergeTree(version)
ORDER BY conversation_id;

-- Messages the stream could not process, kept for inspection and replay.
CREATE TABLE IF NOT EXISTS dead_letters (
  source       String,
  ref          String,
  code         String,
  reason       String,
  payload      String,
  failed_at    DateTime('UTC'),
  failed_at_ms Int64
) ENGINE = ReplacingMergeTree
ORDER BY (source, ref);
