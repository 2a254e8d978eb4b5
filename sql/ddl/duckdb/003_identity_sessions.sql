-- Identity graph audit: every merge, refused merge and split (what moved, the evidence, why, when).
-- merge_id is deterministic (kind, event or request, customer), so a replayed event adds nothing.
CREATE TABLE IF NOT EXISTS identity_merges (
  merge_id    VARCHAR NOT NULL PRIMARY KEY,
  kind        VARCHAR NOT NULL,
  customer_id VARCHAR NOT NULL,
  other_id    VARCHAR NOT NULL,
  identifiers VARCHAR NOT NULL,
  evidence    VARCHAR NOT NULL,
  reason      VARCHAR NOT NULL,
  event_ref   VARCHAR NOT NULL,
  merged_at   TIMESTAMP NOT NULL
);

-- Conversation sessions across channels (stream/sessions): the newest version of each id wins.
-- conversation_ids, channels and tags are JSON arrays.
CREATE TABLE IF NOT EXISTS conversations (
  id               VARCHAR NOT NULL PRIMARY KEY,
  customer_id      VARCHAR NOT NULL,
  conversation_ids VARCHAR NOT NULL,
  channels         VARCHAR NOT NULL,
  last_channel     VARCHAR NOT NULL,
  started_at       TIMESTAMP NOT NULL,
  last_event_at    TIMESTAMP NOT NULL,
  last_agent       VARCHAR,
  intent           VARCHAR,
  tags             VARCHAR NOT NULL,
  urgent           BIGINT NOT NULL,
  priority         BIGINT NOT NULL,
  status           VARCHAR NOT NULL,
  version          BIGINT NOT NULL
);
