-- Users and API keys (api/auth), the durable copy: one row per change of the access state the processes share
-- through Redis, the highest revision wins. A Redis that loses its keys is refilled from here, so nobody is
-- locked out and no revoked key comes back (docs/security.md, "Users and keys in distributed mode").
-- The state holds argon2id password hashes and SHA-256 key hashes, never a password or a key.
CREATE TABLE IF NOT EXISTS access_snapshots (
  id          String,
  state       String,
  saved_at    DateTime('UTC'),
  saved_at_ms Int64,
  version     Int64
) ENGINE = ReplacingMergeTree(version)
ORDER BY id;
