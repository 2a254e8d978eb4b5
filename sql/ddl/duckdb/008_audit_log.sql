-- The audit log, hash-chained and append-only (see sql/ddl/008_audit_log.sql). A replayed append of the same
-- seq does nothing (ON CONFLICT DO NOTHING): a written entry is never overwritten through the warehouse port.
CREATE TABLE IF NOT EXISTS audit_log (
  seq         BIGINT NOT NULL PRIMARY KEY,
  recorded_at TIMESTAMP NOT NULL,
  actor       VARCHAR NOT NULL,
  action      VARCHAR NOT NULL,
  target      VARCHAR NOT NULL,
  customer_id VARCHAR,
  ip          VARCHAR NOT NULL,
  status      BIGINT NOT NULL,
  before      VARCHAR NOT NULL,
  after       VARCHAR NOT NULL,
  prev_hash   VARCHAR NOT NULL,
  hash        VARCHAR NOT NULL,
  signature   VARCHAR
);
