import {
  AssignerProtocol,
  Kafka,
  Partitioners,
  logLevel,
  type Admin,
  type Consumer,
  type EachBatchPayload,
  type LogEntry,
  type PartitionAssigner,
  type Producer,
  type SASLOptions,
} from 'kafkajs';
import { OmnilaneError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { OutageLog } from '../../shared/outage-log.js';
import type { BusBatch, BusMessage, BusRecord, EventBus, PartitionLag, SubscribeOptions, Subscription } from '../../shared/ports/event-bus.js';

export interface KafkaBusOptions {
  brokers: string[];
  clientId?: string;
  /** Prefix of topic and group names on the cluster (`<ns>.<name>`); callers keep using the plain names. */
  namespace?: string;
  log?: Logger;
  /**
   * Consumer session timeout: how long a member that vanished (SIGKILL) keeps its partitions, so how long a
   * restarted worker waits for them (default 6000, the broker's default minimum). kafkajs has no static
   * membership (group.instance.id), so this is the knob.
   */
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** How long a rebalance waits for the members to rejoin (default 10000). */
  rebalanceTimeoutMs?: number;
  /**
   * Longest a publish waits for Kafka's acknowledgement (default 5000): kafkajs would retry for 20 s and more
   * while the brokers are down. After it the publish fails with BUS_ERR_UNAVAILABLE; the send may still land
   * later, which the producer-given ids make harmless (the retry counts once).
   */
  publishTimeoutMs?: number;
  /** Longest an admin call (lag, metadata, ping) waits (default 3000); it fails with BUS_ERR_UNAVAILABLE after. */
  adminTimeoutMs?: number;
  /** Rate-limited error log shared by the process's engines; without it errors go to `log` one by one. */
  outages?: OutageLog;
  /** Partitions one subscription processes at the same time (each partition stays sequential). */
  partitionsConsumedConcurrently?: number;
  /** Longest a fetch waits for new records (latency versus request rate). */
  maxWaitMs?: number;
  /** TLS to the brokers (KAFKA_SSL, KAFKA_SSL_CA_FILE …): `true` trusts the system CAs; options add a CA or a client certificate. */
  ssl?: true | { ca?: Buffer; cert?: Buffer; key?: Buffer };
  /** SASL authentication (KAFKA_SASL_*); send it over `ssl`, PLAIN sends the password as is. */
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
}

interface PendingPublish {
  topic: string;
  records: BusRecord[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

const TOPIC_NAME = /^[a-zA-Z0-9._-]+$/;

/**
 * kafkajs logs at ERROR level for broker responses its callers retry
 * (rebalancing, leader elections, coordinator moves); real failures reach us
 * as thrown errors. Those responses go to debug; everything else at ERROR to
 * the pino logger.
 */
function logCreatorFor(log?: Logger, outages?: OutageLog) {
  return () =>
    ({ namespace, level, log: entry }: LogEntry) => {
      if ((!log && !outages) || level > logLevel.ERROR) return;
      const { message, timestamp: _t, logger: _l, stack: _s, ...extra } = entry as LogEntry['log'] & { stack?: string };
      if (namespace === 'Connection' && message.startsWith('Response ')) log?.debug({ kafka: namespace, ...extra }, message);
      // During an outage kafkajs logs every retry of every client (about 8 lines a second): one line per interval.
      else if (outages) outages.error('bus', new Error(message), `kafka ${namespace}`, { kafka: namespace, broker: (extra as { broker?: unknown }).broker });
      else log?.error({ kafka: namespace, ...extra }, message);
    };
}

/** Rejects with BUS_ERR_UNAVAILABLE when `p` has not settled within `ms`; `p` keeps running. */
function within<T>(p: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_r, reject) => {
    timer = setTimeout(() => reject(new OmnilaneError('BUS_ERR_UNAVAILABLE', what())), ms);
  });
  p.catch(() => undefined);
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Round robin per topic over the members subscribed to that topic (Kafka's
 * RoundRobinAssignor). kafkajs' own round robin deals every partition of the
 * group's topics to every member, whatever each subscribed to, so a member
 * of a group that also consumes another topic would get partitions it never
 * reads (the stream worker has two such subscriptions in one group).
 */
export const subscriptionRoundRobin: PartitionAssigner = ({ cluster }) => ({
  name: 'OmnilaneRoundRobin',
  version: 0,
  async assign({ members }) {
    const subs = members
      .map((m) => ({ id: m.memberId, topics: new Set(AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.topics ?? []) }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    // kafkajs hands the leader only its own topics: take every member's, and load their metadata.
    const topics = [...new Set(subs.flatMap((s) => [...s.topics]))].sort();
    await cluster.addMultipleTargetTopics(topics);
    const assignment = new Map<string, Record<string, number[]>>(subs.map((s) => [s.id, {}]));
    for (const topic of topics) {
      const peers = subs.filter((s) => s.topics.has(topic));
      if (peers.length === 0) continue;
      const partitions = cluster
        .findTopicPartitionMetadata(topic)
        .map((p) => p.partitionId)
        .sort((a, b) => a - b);
      partitions.forEach((p, i) => {
        const mine = assignment.get(peers[i % peers.length].id)!;
        (mine[topic] ??= []).push(p);
      });
    }
    return subs.map((s) => ({
      memberId: s.id,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: assignment.get(s.id)!, userData: Buffer.alloc(0) }),
    }));
  },
  protocol({ topics }) {
    return { name: 'OmnilaneRoundRobin', metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) };
  },
});

/**
 * EventBus on Kafka (kafkajs). One idempotent producer per bus (acks=all,
 * one request in flight), keys partitioned by Kafka's default murmur2
 * partitioner, i.e. the same partition numbers as `partitionFor`. One
 * consumer per subscription; offsets are committed only after the handler
 * resolved; a throwing handler's batch is fetched again after a backoff.
 */
export class KafkaBus implements EventBus {
  private readonly kafka: Kafka;
  private readonly prefix: string;
  private adminP?: Promise<Admin>;
  private producerP?: Promise<Producer>;
  private queue: PendingPublish[] = [];
  private sending?: Promise<void>;
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;

  constructor(private readonly opts: KafkaBusOptions) {
    this.prefix = opts.namespace ? `${opts.namespace}.` : '';
    this.kafka = new Kafka({
      clientId: opts.clientId ?? 'omnilane',
      brokers: opts.brokers,
      logLevel: logLevel.ERROR,
      logCreator: logCreatorFor(opts.log, opts.outages),
      connectionTimeout: 3000,
      retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 3000 },
      ...(opts.ssl ? { ssl: opts.ssl } : {}),
      ...(opts.sasl ? { sasl: opts.sasl as SASLOptions } : {}),
    });
  }

  private phys(topic: string): string {
    return this.prefix + topic;
  }

  private logical(topic: string): string {
    return this.prefix && topic.startsWith(this.prefix) ? topic.slice(this.prefix.length) : topic;
  }

  private get brokers(): string {
    return this.opts.brokers.join(',');
  }

  private admin(): Promise<Admin> {
    if (!this.adminP) {
      const a = this.kafka.admin();
      this.adminP = a.connect().then(
        () => a,
        (err: unknown) => {
          this.adminP = undefined;
          throw err;
        },
      );
    }
    return this.adminP;
  }

  private producer(): Promise<Producer> {
    if (!this.producerP) {
      const p = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      this.producerP = p.connect().then(
        () => p,
        (err: unknown) => {
          this.producerP = undefined;
          throw err;
        },
      );
    }
    return this.producerP;
  }

  async ensureTopic(topic: string, partitions: number): Promise<void> {
    if (!TOPIC_NAME.test(topic)) throw new Error(`bad topic name ${topic}`);
    const admin = await this.admin();
    const name = this.phys(topic);
    await admin.createTopics({ topics: [{ topic: name, numPartitions: partitions }], waitForLeaders: true });
    const meta = await topicMetadata(admin, name);
    const have = meta.topics[0]?.partitions.length ?? 0;
    if (have !== partitions) {
      // Never repartition behind the user's back: it would move keys to other partitions.
      this.opts.log?.warn({ topic: name, have, configured: partitions }, 'topic exists with a different partition count; keeping it');
    }
  }

  /**
   * Publishes the records. Calls made while a send is in flight are gathered
   * into the next sendBatch (one request per broker), so many concurrent
   * callers cost few round trips. Resolves when Kafka acknowledged (acks=all).
   */
  publish(topic: string, records: BusRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(new OmnilaneError('BUS_ERR_CLOSED', 'event bus is closed'));
    if (records.length === 0) return Promise.resolve();
    const sent = new Promise<void>((resolve, reject) => {
      this.queue.push({ topic, records, resolve, reject });
      if (!this.sending) this.sending = this.drain();
    });
    const ms = this.opts.publishTimeoutMs ?? 5000;
    return within(sent, ms, () => `Kafka (${this.brokers}) did not acknowledge ${records.length} record(s) on ${topic} within ${ms} ms`).then(
      () => this.opts.outages?.recovered('bus'),
      (err: unknown) => {
        this.opts.outages?.error('bus', err, 'kafka publish failed', { topic });
        throw err instanceof OmnilaneError
          ? err
          : new OmnilaneError('BUS_ERR_UNAVAILABLE', `Kafka (${this.brokers}) refused the publish on ${topic}: ${(err as Error)?.message ?? err}`, {
              cause: err,
            });
      },
    );
  }

  /** Answers when a broker answers a metadata request within the admin timeout (health probes). */
  async ping(): Promise<void> {
    await this.adminCall('ping', async (a) => void (await a.describeCluster()));
  }

  /** An admin call bounded by adminTimeoutMs; BUS_ERR_UNAVAILABLE after it. */
  private adminCall<T>(what: string, fn: (a: Admin) => Promise<T>): Promise<T> {
    const ms = this.opts.adminTimeoutMs ?? 3000;
    return within(this.admin().then(fn), ms, () => `Kafka (${this.brokers}) did not answer ${what} within ${ms} ms`);
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        try {
          const producer = await this.producer();
          const byTopic = new Map<string, Array<{ key: string; value: string }>>();
          for (const p of batch) {
            let list = byTopic.get(p.topic);
            if (!list) byTopic.set(p.topic, (list = []));
            for (const r of p.records) list.push({ key: r.key, value: r.value });
          }
          await producer.sendBatch({
            acks: -1,
            topicMessages: [...byTopic].map(([t, messages]) => ({ topic: this.phys(t), messages })),
          });
          for (const p of batch) p.resolve();
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.sending = undefined;
    }
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    if (this.closed) throw new OmnilaneError('BUS_ERR_CLOSED', 'event bus is closed');
    const log = this.opts.log;
    const groupId = this.phys(options.groupId);
    const topics = options.topics.map((t) => this.phys(t));
    const maxBatch = options.maxBatchSize ?? 5000;
    const heartbeatMs = this.opts.heartbeatIntervalMs ?? 1000;
    const consumer: Consumer = this.kafka.consumer({
      groupId,
      sessionTimeout: this.opts.sessionTimeoutMs ?? 6000,
      rebalanceTimeout: this.opts.rebalanceTimeoutMs ?? 10_000,
      heartbeatInterval: heartbeatMs,
      maxWaitTimeInMs: this.opts.maxWaitMs ?? 100,
      allowAutoTopicCreation: false,
      partitionAssigners: [subscriptionRoundRobin],
      retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 3000 },
    });
    consumer.on(consumer.events.CRASH, (e) =>
      this.opts.outages
        ? this.opts.outages.error('bus', e.payload.error, 'kafka consumer crashed', { groupId, restart: e.payload.restart })
        : log?.error({ err: e.payload.error, groupId, restart: e.payload.restart }, 'kafka consumer crashed'),
    );
    const backoff = new Map<string, { ms: number; timer?: NodeJS.Timeout }>();

    const eachBatch = async (payload: EachBatchPayload): Promise<void> => {
      // eslint-disable-next-line @typescript-eslint/unbound-method -- kafkajs builds these per batch as closures; they use no `this`
      const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale, pause } = payload;
      const key = `${batch.topic}/${batch.partition}`;
      const all: BusMessage[] = batch.messages.map((m) => ({
        topic: this.logical(batch.topic),
        partition: batch.partition,
        offset: Number(m.offset),
        key: m.key?.toString() ?? '',
        value: m.value?.toString() ?? '',
        timestamp: Number(m.timestamp),
      }));
      for (let i = 0; i < all.length; i += maxBatch) {
        if (!isRunning() || isStale()) return;
        const messages = all.slice(i, i + maxBatch);
        const bus: BusBatch = { topic: messages[0].topic, partition: batch.partition, messages };
        // kafkajs heartbeats only between batches; a slow handler must not lose the partition.
        const beat = setInterval(() => void heartbeat().catch(() => undefined), heartbeatMs);
        try {
          await options.eachBatch(bus);
        } catch (err) {
          options.onError?.(err, bus);
          // Not resolved, not committed: the next fetch of this partition starts at this
          // batch again. Pause it for a growing backoff so a failing sink is not hammered.
          const b = backoff.get(key) ?? { ms: 50 };
          b.ms = Math.min(b.ms * 2, 5000);
          const resume = pause();
          clearTimeout(b.timer);
          b.timer = setTimeout(resume, b.ms);
          backoff.set(key, b);
          return;
        } finally {
          clearInterval(beat);
        }
        const last = messages[messages.length - 1].offset;
        resolveOffset(String(last));
        await commitOffsetsIfNecessary({ topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: String(last + 1) }] }] });
        backoff.delete(key);
        await heartbeat();
      }
    };

    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: options.fromBeginning ?? true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.opts.partitionsConsumedConcurrently ?? 1,
      eachBatch,
    });

    let stopped: Promise<void> | undefined;
    const sub: Subscription = {
      stop: () => {
        if (!stopped) {
          // disconnect() waits for the batch in flight (and its commit), then leaves the group,
          // so the remaining members get its partitions at once instead of after the session timeout.
          stopped = consumer.disconnect().finally(() => {
            for (const b of backoff.values()) clearTimeout(b.timer);
            this.subscriptions.delete(sub);
          });
        }
        return stopped;
      },
      lag: () => this.physLag(groupId, topics),
    };
    this.subscriptions.add(sub);
    return sub;
  }

  /**
   * Lag of any consumer group over the topics (plain names), without joining
   * it: for processes that watch a group they are not part of.
   */
  groupLag(groupId: string, topics: string[]): Promise<PartitionLag[]> {
    return this.physLag(
      this.phys(groupId),
      topics.map((t) => this.phys(t)),
    );
  }

  private physLag(groupId: string, topics: string[]): Promise<PartitionLag[]> {
    return this.adminCall('a consumer lag request', (admin) => this.physLagWith(admin, groupId, topics));
  }

  private async physLagWith(admin: Admin, groupId: string, topics: string[]): Promise<PartitionLag[]> {
    const committed = await admin.fetchOffsets({ groupId, topics });
    const out: PartitionLag[] = [];
    for (const t of topics) {
      const ends = await admin.fetchTopicOffsets(t);
      const mine = committed.find((c) => c.topic === t)?.partitions ?? [];
      for (const e of ends.sort((a, b) => a.partition - b.partition)) {
        const c = Number(mine.find((p) => p.partition === e.partition)?.offset ?? -1);
        const from = c >= 0 ? c : Number(e.low);
        const end = Number(e.high);
        out.push({ topic: this.logical(t), partition: e.partition, committed: from, end, lag: Math.max(0, end - from) });
      }
    }
    return out;
  }

  /** Partition count of a topic on the cluster (tests, diagnostics). */
  async partitionCount(topic: string): Promise<number> {
    const admin = await this.admin();
    const meta = await admin.fetchTopicMetadata({ topics: [this.phys(topic)] });
    return meta.topics[0]?.partitions.length ?? 0;
  }

  /** Deletes this namespace's topics and consumer groups (test clean-up); refuses without a namespace. */
  async dropNamespace(): Promise<void> {
    if (!this.prefix) throw new Error('dropNamespace needs a namespace');
    const admin = await this.admin();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(this.prefix));
    if (topics.length) await admin.deleteTopics({ topics });
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(this.prefix));
    if (groups.length) await admin.deleteGroups(groups).catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.sending;
    this.closed = true;
    if (this.producerP) await (await this.producerP.catch(() => undefined))?.disconnect();
    if (this.adminP) await (await this.adminP.catch(() => undefined))?.disconnect();
  }
}

/**
 * A topic's metadata right after it was created: when another process created it a moment ago (processes start
 * together), the broker may answer UNKNOWN_TOPIC_OR_PARTITION until the topic has propagated; retried for up to 10 s.
 */
async function topicMetadata(admin: Admin, name: string): Promise<Awaited<ReturnType<Admin['fetchTopicMetadata']>>> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await admin.fetchTopicMetadata({ topics: [name] });
    } catch (err) {
      if ((err as { type?: string }).type !== 'UNKNOWN_TOPIC_OR_PARTITION' || attempt >= 40) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
