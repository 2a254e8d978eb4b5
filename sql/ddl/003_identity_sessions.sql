-- ClickHouse twin of sql/ddl/duckdb/003_identity_sessions.sql (runs on 18.16: DateTime + X_ms Int64 columns).

-- Identity graph audit: every merge, refused merge and split. merge_id is deterministic: replays collapse.
CREATE TABLE IF NOT EXISTS identity_merges (
  merge_id    String,
  kind        String,
  customer_id String,
  other_id    String,
  identifiers String,
  evidence    String,
  reason      String,
  event_ref   String,
  merged_at    DateTime('UTC'),
  merged_at_ms Int64
) ENGINE = ReplacingMergeTree
ORDER BY merge_id;

-- Conversation sessions across channels; highest version wins.
CREATE TABLE IF NOT EXISTS conversations (
  id               String,
  customer_id      String,
  conversation_ids String,
  channels         String,
  last_channel     String,
  started_at       DateTime('UTC'),
  started_at_ms    Int64,
  last_event_at    DateTime('UTC'),
  last_event_at_ms Int64,
  last_agent       Nullable(String),
  intent           Nullable(String),
  tags             String,
  urgent           Int64,
  priority         Int64,
  status           String,
  version          Int64
) ENGINE = ReplacingMergeTree(version)
ORDER BY id;
