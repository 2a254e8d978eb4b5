/** A record to publish: the key picks the partition, so one key's records stay in order. */
export interface BusRecord {
  key: string;
  value: string;
}

/** A record as a consumer sees it. Offsets are per partition, starting at 0. */
export interface BusMessage {
  topic: string;
  partition: number;
  offset: number;
  key: string;
  value: string;
  /** When the bus accepted the record, epoch ms. */
  timestamp: number;
}

export interface BusBatch {
  topic: string;
  partition: number;
  /** In offset order, never empty. */
  messages: BusMessage[];
}

export interface SubscribeOptions {
  /** Consumers sharing a group id share the partitions; each group sees every record. */
  groupId: string;
  topics: string[];
  /** Where a group without a committed offset starts. Default: the beginning. */
  fromBeginning?: boolean;
  /** Most messages handed over in one batch. */
  maxBatchSize?: number;
  /**
   * Called with one partition's messages at a time, never concurrently for the
   * same partition. When it resolves, the offset after the last message is
   * committed; when it throws, nothing is committed and the batch is delivered
   * again (at-least-once), so handlers must be idempotent.
   */
  eachBatch(batch: BusBatch): Promise<void>;
  /** Told about handler failures before the redelivery; default logs nothing. */
  onError?(err: unknown, batch: BusBatch): void;
}

export interface PartitionLag {
  topic: string;
  partition: number;
  /** Committed offset of the group (next offset to read). */
  committed: number;
  /** Offset the next published record will get. */
  end: number;
  lag: number;
}

export interface Subscription {
  /** Stops fetching, waits for the batch in flight to finish and commit, leaves the group. */
  stop(): Promise<void>;
  /** Lag of this consumer's group over all partitions of its topics. */
  lag(): Promise<PartitionLag[]>;
}

/**
 * EventBus port: keyed partitions, consumer groups, committed offsets.
 * Adapters: in-process durable log (embedded default) and Kafka.
 */
export interface EventBus {
  /** Creates the topic with this many partitions if it does not exist. Idempotent. */
  ensureTopic(topic: string, partitions: number): Promise<void>;
  /**
   * Appends records. Resolves only once every record is durable (the embedded
   * log has written it to its file; Kafka has acknowledged it), so a caller may
   * acknowledge its client afterwards.
   */
  publish(topic: string, records: BusRecord[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** Stops every subscription and releases files or connections. */
  close(): Promise<void>;
}
