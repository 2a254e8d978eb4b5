-- The audit log (api/audit, docs/security.md "Audit"): who did what, when, from where, before and after.
-- Append-only and hash-chained: `hash` is the SHA-256 of the entry's fields and `prev_hash` (the previous
-- entry's hash); every AUDIT_CHECKPOINT_EVERY entries, and on a timer, an `audit.checkpoint` entry carries an
-- HMAC `signature` of its hash. `omnilane audit verify` recomputes the chain, so an edited, removed or reordered
-- row is found. Written only by api/audit/audit-log.ts. Twin: duckdb/008_audit_log.sql.
CREATE TABLE IF NOT EXISTS audit_log (
  seq         Int64,
  recorded_at DateTime('UTC'),
  recorded_at_ms Int64,
  actor       String,
  action      String,
  target      String,
  customer_id Nullable(String),
  ip          String,
  status      Int64,
  before      String,
  after       String,
  prev_hash   String,
  hash        String,
  signature   Nullable(String)
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(recorded_at)
ORDER BY seq;
