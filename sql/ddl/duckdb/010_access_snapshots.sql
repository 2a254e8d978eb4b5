-- Users and API keys (api/auth), the durable copy of the shared access state: the newest revision is kept.
CREATE TABLE IF NOT EXISTS access_snapshots (
  id       VARCHAR NOT NULL PRIMARY KEY,
  state    VARCHAR NOT NULL,
  saved_at TIMESTAMP NOT NULL,
  version  BIGINT NOT NULL
);
