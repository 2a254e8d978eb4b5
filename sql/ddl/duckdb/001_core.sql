-- Raw events: one row per (producer, id), whatever is retried or replayed.
CREATE TABLE IF NOT EXISTS events (
  producer        VARCHAR NOT NULL,
  id              VARCHAR NOT NULL,
  type            VARCHAR NOT NULL,
  channel         VARCHAR NOT NULL,
  occurred_at     TIMESTAMP NOT NULL,
  received_at     TIMESTAMP NOT NULL,
  customer_key    VARCHAR NOT NULL,
  conversation_id VARCHAR,
  agent_id        VARCHAR,
  customer        VARCHAR NOT NULL,
  properties      VARCHAR NOT NULL,
  PRIMARY KEY (producer, id)
);

-- Per-minute counts per channel, one row per bus partition (each partition's
-- worker owns its rows); readers sum over partitions.
CREATE TABLE IF NOT EXISTS channel_minute (
  bus_partition INTEGER NOT NULL,
  minute        TIMESTAMP NOT NULL,
  channel       VARCHAR NOT NULL,
  events        BIGINT NOT NULL,
  conversations BIGINT NOT NULL,
  version       BIGINT NOT NULL,
  PRIMARY KEY (bus_partition, minute, channel)
);

-- First response per conversation (newest version wins).
CREATE TABLE IF NOT EXISTS conversation_first_response (
  conversation_id   VARCHAR NOT NULL PRIMARY KEY,
  customer_key      VARCHAR NOT NULL,
  channel           VARCHAR NOT NULL,
  started_at        TIMESTAMP NOT NULL,
  first_response_at TIMESTAMP,
  first_response_ms BIGINT,
  agent_id          VARCHAR,
  version           BIGINT NOT NULL
);

-- Messages the stream could not process, kept for inspection and replay.
CREATE TABLE IF NOT EXISTS dead_letters (
  source  VARCHAR NOT NULL,
  ref     VARCHAR NOT NULL,
  code    VARCHAR NOT NULL,
  reason  VARCHAR NOT NULL,
  payload VARCHAR NOT NULL,
  failed_at TIMESTAMP NOT NULL,
  PRIMARY KEY (source, ref)
);
