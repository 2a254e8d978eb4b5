import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../../shared/clock.js';
import { OmnilaneError } from '../../shared/errors.js';
import type { BusBatch, BusMessage, BusRecord, EventBus, PartitionLag, SubscribeOptions, Subscription } from '../../shared/ports/event-bus.js';
import { JournalFile } from '../state/journal-file.js';
import { partitionFor } from './partitioner.js';
import { SegmentLog, type Retention } from './segment-log.js';

interface Partition {
  topic: string;
  index: number;
  /** Offset of messages[0]. */
  base: number;
  messages: BusMessage[];
  next: number;
  log?: SegmentLog;
}

interface Member {
  id: number;
  topics: Set<string>;
}

interface Group {
  id: string;
  members: Member[];
  committed: Map<string, number>;
  inFlight: Set<string>;
}

export interface InProcessBusOptions {
  clock: Clock;
  /** Folder for partition logs and committed offsets; absent keeps all in memory (tests). */
  dir?: string;
  fsync?: boolean;
  /** Longest a consumer waits for a partial batch to fill, ms (default 5; like Kafka's fetch.max.wait.ms). */
  lingerMs?: number;
  /**
   * Messages kept in memory per partition once every group has committed past them (default 10,000; up to twice
   * that before a trim). Older ones are read back from the segment files, so this bounds memory, not what a
   * lagging or new group can read.
   */
  retainInMemory?: number;
  /**
   * Retention on disk, like Kafka's log.retention.ms/bytes (BUS_RETENTION_HOURS, BUS_RETENTION_BYTES):
   * whole old segments are deleted, whether or not a group has read them, as Kafka does; a group
   * behind the log start resumes at it (auto.offset.reset=earliest). Default: keep everything.
   */
  retention?: Partial<Retention>;
  /** A partition's log rolls to a new segment file beyond this many bytes (BUS_SEGMENT_BYTES; default 64 MiB). */
  segmentBytes?: number;
  /** How often retention is checked, ms (default 60 s; Kafka's log.retention.check.interval.ms is 5 min). */
  retentionCheckMs?: number;
}

const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
/**
 * Committed messages kept in memory per partition: 100,000 held up to 200,000 messages of ~0.6 KB per partition
 * (most of the embedded server's RSS under load); a consumer that lags further reads the segment files.
 */
const DEFAULT_RETAIN_IN_MEMORY = 10_000;

const tp = (topic: string, partition: number) => `${topic}/${partition}`;

/**
 * The embedded EventBus: one segmented append-only log per partition (segment-log.ts) with
 * Kafka-like retention by time and size, consumer groups with committed offsets in their own
 * journal, Kafka's partitioner.
 * `publish` resolves after the records are written to their log files, so an
 * acknowledged record survives a crash of the process.
 */
export class InProcessBus implements EventBus {
  private readonly topics = new Map<string, Partition[]>();
  private readonly groups = new Map<string, Group>();
  private readonly offsetsLog?: JournalFile;
  private waiters: Array<() => void> = [];
  private readonly subscriptions = new Set<Subscription>();
  private memberSeq = 0;
  private closed = false;
  private lastRetentionCheck = -Infinity;

  constructor(private readonly opts: InProcessBusOptions) {
    if (opts.dir) {
      mkdirSync(opts.dir, { recursive: true });
      const offsetsPath = join(opts.dir, 'offsets.log');
      for (const line of JournalFile.readLines(offsetsPath)) {
        if (!line) continue;
        const [group, topic, partition, offset] = line.split('\t');
        this.group(group).committed.set(tp(topic, Number(partition)), Number(offset));
      }
      this.offsetsLog = new JournalFile(offsetsPath, opts.fsync);
      this.compactOffsets();
      const meta = join(opts.dir, 'topics.json');
      if (existsSync(meta)) {
        for (const [name, n] of Object.entries(JSON.parse(readFileSync(meta, 'utf8')) as Record<string, number>)) this.openTopic(name, n);
      }
      this.applyRetention();
    }
  }

  private group(id: string): Group {
    let g = this.groups.get(id);
    if (!g) {
      g = { id, members: [], committed: new Map(), inFlight: new Set() };
      this.groups.set(id, g);
    }
    return g;
  }

  private compactOffsets(): void {
    const lines: string[] = [];
    for (const g of this.groups.values()) for (const [k, off] of g.committed) lines.push(`${g.id}\t${k.replace('/', '\t')}\t${off}`);
    this.offsetsLog!.rewrite(lines);
  }

  private openTopic(name: string, partitions: number): void {
    const parts: Partition[] = [];
    for (let i = 0; i < partitions; i++) {
      const p: Partition = { topic: name, index: i, base: 0, messages: [], next: 0 };
      if (this.opts.dir) {
        p.log = new SegmentLog(this.opts.dir, name, i, this.opts.segmentBytes ?? DEFAULT_SEGMENT_BYTES, this.opts.fsync);
        p.messages = p.log.loadAll();
        p.base = p.messages.length ? p.messages[0].offset : p.log.startOffset;
        p.next = p.messages.length ? p.messages[p.messages.length - 1].offset + 1 : p.log.startOffset;
      }
      parts.push(p);
    }
    this.topics.set(name, parts);
  }

  async ensureTopic(topic: string, partitions: number): Promise<void> {
    if (!/^[a-zA-Z0-9._-]+$/.test(topic)) throw new Error(`bad topic name ${topic}`);
    if (this.topics.has(topic)) return;
    this.openTopic(topic, partitions);
    if (this.opts.dir) {
      const meta: Record<string, number> = {};
      for (const [n, p] of this.topics) meta[n] = p.length;
      writeFileSync(join(this.opts.dir, 'topics.json'), JSON.stringify(meta));
    }
  }

  async publish(topic: string, records: BusRecord[]): Promise<void> {
    if (this.closed) throw new OmnilaneError('BUS_ERR_CLOSED', 'event bus is closed');
    const parts = this.topics.get(topic);
    if (!parts) throw new Error(`unknown topic ${topic}`);
    const now = this.opts.clock.now();
    const byPartition = new Map<Partition, BusMessage[]>();
    for (const r of records) {
      if (r.value.includes('\n')) throw new Error('bus values must not contain newlines (JSON-encode them)');
      const p = parts[partitionFor(r.key, parts.length)];
      const msg: BusMessage = { topic, partition: p.index, offset: p.next++, key: r.key, value: r.value, timestamp: now };
      let list = byPartition.get(p);
      if (!list) byPartition.set(p, (list = []));
      list.push(msg);
    }
    const writes: Array<Promise<void>> = [];
    for (const [p, msgs] of byPartition) {
      if (p.log) writes.push(p.log.append(msgs));
    }
    // Offsets are reserved above in call order; records become visible to consumers
    // only after their bytes are in the log, and in offset order.
    await Promise.all(writes);
    for (const [p, msgs] of byPartition) {
      for (const m of msgs) p.messages[m.offset - p.base] = m;
    }
    if (now - this.lastRetentionCheck >= (this.opts.retentionCheckMs ?? 60_000)) this.applyRetention();
    this.wake();
  }

  /**
   * Deletes whole segments retention no longer keeps, in every partition, and forgets them in
   * memory. Runs on publish at most once per retentionCheckMs, at start and on demand (tests).
   * Returns the records deleted.
   */
  applyRetention(): number {
    const now = this.opts.clock.now();
    this.lastRetentionCheck = now;
    const r = this.opts.retention;
    if (!r || (!r.ms && !r.bytes)) return 0;
    let deleted = 0;
    for (const parts of this.topics.values()) {
      for (const p of parts) {
        if (!p.log) continue;
        const before = p.log.startOffset;
        const start = p.log.applyRetention(now, { ms: r.ms ?? 0, bytes: r.bytes ?? 0 });
        deleted += start - before;
        if (start > p.base) {
          p.messages = p.messages.slice(Math.min(start - p.base, p.messages.length));
          p.base = start;
        }
      }
    }
    return deleted;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private waitForData(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /**
   * Partitions that `member` owns: per topic, round robin over the group's
   * members subscribed to that topic (Kafka's round-robin assignor).
   */
  private assignment(g: Group, member: Member): Partition[] {
    const out: Partition[] = [];
    for (const t of [...member.topics].sort()) {
      const peers = g.members.filter((m) => m.topics.has(t));
      const idx = peers.indexOf(member);
      for (const p of this.topics.get(t) ?? []) if (p.index % peers.length === idx) out.push(p);
    }
    return out;
  }

  private trim(p: Partition): void {
    const keep = this.opts.retainInMemory ?? DEFAULT_RETAIN_IN_MEMORY;
    let min = p.next;
    for (const g of this.groups.values()) {
      const c = g.committed.get(tp(p.topic, p.index));
      if (c !== undefined || g.members.length > 0) min = Math.min(min, c ?? 0);
    }
    const drop = min - keep - p.base;
    if (drop > keep) {
      p.messages = p.messages.slice(drop);
      p.base += drop;
    }
  }

  /**
   * Messages from `offset` on; reads the segment files when they were trimmed from memory. An
   * offset below the log start (retention deleted it) reads from the start, like Kafka's earliest.
   */
  private read(p: Partition, offset: number, max: number): BusMessage[] {
    if (p.log) offset = Math.max(offset, p.log.startOffset);
    if (offset >= p.base) {
      const out: BusMessage[] = [];
      for (let o = offset; o < p.next && out.length < max; o++) {
        const m = p.messages[o - p.base];
        if (!m) break; // reserved but not yet durable
        out.push(m);
      }
      return out;
    }
    return p.log ? p.log.read(offset, max, p.base) : [];
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const g = this.group(options.groupId);
    const member: Member = { id: ++this.memberSeq, topics: new Set(options.topics) };
    for (const t of options.topics) if (!this.topics.has(t)) throw new Error(`unknown topic ${t}`);
    g.members.push(member);
    const max = options.maxBatchSize ?? 5000;
    const lingerMs = this.opts.lingerMs ?? 5;
    const backoff = new Map<string, { until: number; ms: number }>();
    // Linger and retry backoff are scheduling, not event time: they run on the monotonic timer, so a test's
    // manual clock (the injected Clock, which stamps messages) never stalls or hurries delivery.
    const tick = () => performance.now();
    const waitingSince = new Map<string, number>();
    let running = true;

    /** Delivers one batch of a partition; true when it committed something. */
    const deliver = async (p: Partition): Promise<boolean> => {
      const k = tp(p.topic, p.index);
      const b = backoff.get(k);
      if (g.inFlight.has(k) || (b && b.until > tick())) return false;
      const from = g.committed.get(k) ?? (options.fromBeginning === false ? p.next : 0);
      const messages = this.read(p, from, max);
      if (messages.length === 0) return false;
      // Like Kafka's fetch.max.wait.ms: a small batch waits a few ms for company,
      // which keeps per-batch costs (warehouse statements) from dominating under load.
      if (messages.length < max) {
        const since = waitingSince.get(k);
        if (since === undefined) waitingSince.set(k, tick());
        if (lingerMs > 0 && (since === undefined || tick() - since < lingerMs)) return false;
      }
      waitingSince.delete(k);
      const batch: BusBatch = { topic: p.topic, partition: p.index, messages };
      g.inFlight.add(k);
      try {
        await options.eachBatch(batch);
        const next = messages[messages.length - 1].offset + 1;
        g.committed.set(k, next);
        if (this.offsetsLog) await this.offsetsLog.append([`${g.id}\t${p.topic}\t${p.index}\t${next}`]);
        backoff.delete(k);
        this.trim(p);
        return true;
      } catch (err) {
        const ms = Math.min((b?.ms ?? 50) * 2, 5000);
        backoff.set(k, { until: tick() + ms, ms });
        options.onError?.(err, batch);
        return false;
      } finally {
        g.inFlight.delete(k);
      }
    };
    // Partitions are handled concurrently (never one partition twice at once),
    // so one partition's warehouse write overlaps another's decoding.
    const loop = async () => {
      while (running && !this.closed) {
        const results = await Promise.all(this.assignment(g, member).map(deliver));
        if (!results.some(Boolean)) await this.waitForData(lingerMs > 0 ? Math.min(50, lingerMs) : 50);
      }
    };
    const done = loop();
    const sub: Subscription = {
      stop: async () => {
        running = false;
        this.wake();
        await done;
        g.members = g.members.filter((m) => m !== member);
        this.subscriptions.delete(sub);
      },
      lag: async () => {
        const out: PartitionLag[] = [];
        for (const t of options.topics) {
          for (const p of this.topics.get(t) ?? []) {
            const committed = g.committed.get(tp(t, p.index)) ?? 0;
            out.push({ topic: t, partition: p.index, committed, end: p.next, lag: p.next - committed });
          }
        }
        return out;
      },
    };
    this.subscriptions.add(sub);
    return sub;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    this.closed = true;
    this.wake();
    for (const parts of this.topics.values()) for (const p of parts) p.log?.close();
    if (this.offsetsLog) {
      this.compactOffsets();
      this.offsetsLog.close();
    }
  }
}
