import { EventEmitter } from 'node:events';
import type { Clock } from '../shared/clock.js';
import { eventUid, type EventEnvelope } from '../shared/envelope.js';
import type { Logger } from '../shared/logger.js';
import type { BusBatch, EventBus, PartitionLag, Subscription } from '../shared/ports/event-bus.js';
import type { StateStore } from '../shared/ports/state-store.js';
import type { Warehouse } from '../shared/ports/warehouse.js';
import type { DeadLetterRow, EventRow } from '../shared/tables.js';
import { classifyBatch, seenMark } from './batch-dedup.js';
import type { SessionStep } from './sessions/session-step.js';
import { INBOUND } from './sessions/session-fold.js';
import type { KpiStep } from './kpis/kpi-step.js';
import { channelContributions, type OffsetEvent } from './metrics/first-metrics.js';
import { sealDeadLetter, type PersonalData } from '../shared/privacy/personal-data.js';
import { settleAll } from './settle-all.js';
import { EPOCH_KEY, StateRecovery, type RecoveryStats } from './state-recovery.js';
import { STREAM_GROUP, TOPICS } from '../shared/topics.js';

export interface EventWorkerOptions {
  bus: EventBus;
  state: StateStore;
  warehouse: Warehouse;
  clock: Clock;
  log: Logger;
  /** How long an event id is remembered for dedup, ms. */
  dedupTtlMs: number;
  /** How long per-minute counters and conversation states are kept, ms. */
  stateTtlMs: number;
  maxBatchSize?: number;
  /** Sessions and identity records (stream/sessions); absent skips them. */
  sessions?: SessionStep;
  /** Opens sealed personal fields in memory for the steps that read them (docs/privacy.md); absent: events are plain. */
  personal?: Pick<PersonalData, 'openEvents' | 'seal'>;
  /** Event-time KPI windows and facts (stream/kpis); absent skips them. */
  kpis?: KpiStep;
  /** Told about a failed batch before its retry (e.g. a rate-limited outage log); default: one error line each. */
  onBatchError?: (err: unknown, batch: BusBatch) => void;
}

/** Emitted as 'batch-timing' after every handled batch, failed ones too (metrics). */
export interface BatchTiming {
  topic: string;
  partition: number;
  messages: number;
  seconds: number;
  ok: boolean;
}

export interface BatchDone {
  partition: number;
  events: number;
  duplicates: number;
  deadLetters: number;
}

function toEventRow(partition: number, { offset, event: e }: OffsetEvent): EventRow {
  return {
    bus_partition: partition,
    bus_offset: offset,
    producer: e.producer,
    id: e.id,
    type: e.type,
    channel: e.channel,
    occurred_at: e.occurred_at,
    received_at: e.received_at,
    customer_key: e.customer_key,
    conversation_id: e.conversation_id,
    agent_id: e.agent_id,
    customer: JSON.stringify(e.customer),
    properties: JSON.stringify(e.properties),
  };
}

const seenKey = (e: EventEnvelope) => `seen:${eventUid(e)}`;

/**
 * Answers reads from the batch's one up-front read; a key it did not read goes to the store (none in a normal batch:
 * the steps read what their keysFor named).
 */
function prefetched(state: StateStore, keys: readonly string[], values: ReadonlyArray<string | null>): Pick<StateStore, 'getMany'> {
  const known = new Map<string, string | null>();
  keys.forEach((k, i) => known.set(k, values[i] ?? null));
  return {
    getMany: async (wanted) => {
      const missing = wanted.filter((k) => !known.has(k));
      if (missing.length > 0) (await state.getMany(missing)).forEach((v, i) => known.set(missing[i], v));
      return wanted.map((k) => known.get(k) ?? null);
    },
  };
}

/** Replays only the warehouse knew (the store had no seen mark): their state folds may be missing, so rebuild. */
function replaysOnlyWarehouseKnew(decoded: readonly OffsetEvent[], stored: ReadonlyArray<string | null>, replayed: readonly OffsetEvent[]): OffsetEvent[] {
  const knownToStore = new Set(decoded.filter((_, i) => stored[i] !== null).map((d) => d.offset));
  return replayed.filter((d) => !knownToStore.has(d.offset));
}

/**
 * The stream worker: consumes events per partition and, for each batch,
 * drops ids already counted, folds the rest into the stateful KPIs and
 * sessions, writes raw events, the batch's additive minute contributions and
 * the fact rows to the warehouse, then records the new state and the counted
 * ids (with the offset that counted them) in one atomic write. The bus commits
 * the offset after that. A crash anywhere replays from the committed offset:
 * the worker first discards the contributions earlier attempts wrote from
 * there on, and events seen at their own offset count again in the minutes
 * only (their state folds are already stored), so every count is exact.
 * Emits 'batch' (BatchDone) after each committed batch with new data.
 */
export class EventWorker extends EventEmitter {
  private subs: Subscription[] = [];
  processed = 0;
  /** Events that arrived after the realtime watermark had passed their minute (recorded in late_events; counted). */
  lateEvents = 0;
  /** Bus messages skipped because their id was already counted (dedup hits), since start. */
  duplicates = 0;
  /**
   * Per partition, the first offset of the newest batch whose contributions this worker may have written. A batch
   * starting at or before it (a retry), or a partition this worker has not written yet (a start or a rebalance),
   * may follow rows an earlier attempt cut differently: those are discarded first.
   */
  private readonly writtenFrom = new Map<number, number>();
  private readonly recovery: StateRecovery;

  constructor(private readonly o: EventWorkerOptions) {
    super();
    this.recovery = new StateRecovery({ warehouse: o.warehouse, state: o.state, log: o.log, dedupTtlMs: o.dedupTtlMs });
  }

  /** What the worker found and rebuilt after StateStore losses (for /metrics). */
  get recoveryStats(): Readonly<RecoveryStats> {
    return this.recovery.stats;
  }

  async start(): Promise<void> {
    this.subs.push(
      await this.o.bus.subscribe({
        groupId: STREAM_GROUP,
        topics: [TOPICS.events],
        maxBatchSize: this.o.maxBatchSize ?? 5000,
        eachBatch: (b) => this.timed(b, () => this.handleEvents(b)),
        onError: (err, b) =>
          this.o.onBatchError
            ? this.o.onBatchError(err, b)
            : this.o.log.error({ err, partition: b.partition, offset: b.messages[0].offset }, 'event batch failed; will retry'),
      }),
      await this.o.bus.subscribe({
        groupId: STREAM_GROUP,
        topics: [TOPICS.rejected],
        eachBatch: (b) => this.timed(b, () => this.handleRejected(b)),
        onError: (err, b) => (this.o.onBatchError ? this.o.onBatchError(err, b) : this.o.log.error({ err }, 'rejected batch failed; will retry')),
      }),
    );
  }

  /** Times one batch for 'batch-timing' listeners; the handler's outcome passes through unchanged. */
  private async timed(b: BusBatch, handle: () => Promise<void>): Promise<void> {
    const t0 = process.hrtime.bigint();
    let ok = false;
    try {
      await handle();
      ok = true;
    } finally {
      const timing: BatchTiming = {
        topic: b.topic,
        partition: b.partition,
        messages: b.messages.length,
        seconds: Number(process.hrtime.bigint() - t0) / 1e9,
        ok,
      };
      this.emit('batch-timing', timing);
    }
  }

  /** Consumer lag per partition of this worker's group over its topics. */
  async partitionLag(): Promise<PartitionLag[]> {
    return (await Promise.all(this.subs.map((s) => s.lag()))).flat();
  }

  async lag(): Promise<number> {
    let total = 0;
    for (const s of this.subs) for (const p of await s.lag()) total += p.lag;
    return total;
  }

  /** The events with the text the sessions fold reads (the customer's own words) opened; the others as they are. */
  private async opened(events: OffsetEvent[]): Promise<OffsetEvent[]> {
    if (!this.o.personal || events.length === 0) return events;
    const inbound = events.filter((d) => INBOUND.has(d.event.type));
    const open = await this.o.personal.openEvents(inbound.map((d) => d.event));
    const byOffset = new Map(inbound.map((d, i) => [d, open[i]]));
    return events.map((d) => (byOffset.has(d) ? { ...d, event: byOffset.get(d)! } : d));
  }

  /** Decodes, dedups and folds one partition's batch. Exported for tests through the bus. */
  private async handleEvents(batch: BusBatch): Promise<void> {
    const now = this.o.clock.now();
    const dead: DeadLetterRow[] = [];
    const decoded: OffsetEvent[] = [];
    for (const m of batch.messages) {
      try {
        decoded.push({ offset: m.offset, event: JSON.parse(m.value) as EventEnvelope });
      } catch (err) {
        dead.push({
          source: 'stream',
          ref: `${m.topic}/${m.partition}/${m.offset}`,
          code: 'STR_ERR_UNPARSABLE',
          reason: (err as Error).message,
          // What could not be decoded may still hold personal data: sealed like every dead letter (ingest-service.ts).
          payload: await sealDeadLetter(this.o.personal, m.value.slice(0, 65536), now),
          failed_at: now,
        });
      }
    }
    // One read for the batch: the seen ids, the epoch marker (its absence means the store lost what it held) and
    // every session and KPI state the batch may fold (read for all decoded events: duplicates only read extra keys).
    const seenKeys = decoded.map((d) => seenKey(d.event));
    const stateKeys = [...(this.o.sessions?.keysFor(decoded) ?? []), ...(this.o.kpis?.keysFor(batch.partition, decoded) ?? [])];
    const values = await this.o.state.getMany([...seenKeys, EPOCH_KEY, ...stateKeys]);
    const stored = values.slice(0, seenKeys.length);
    const reader = prefetched(this.o.state, stateKeys, values.slice(seenKeys.length + 1));
    const epoch = await this.recovery.epoch(values[seenKeys.length], now);
    const recovering = this.recovery.recovering(epoch, now);
    const seen = recovering ? await this.recovery.seenFromWarehouse(decoded, stored) : stored;
    const { fresh, replayed } = classifyBatch(batch.partition, decoded, seen);
    const batchOffset = batch.messages[0].offset;
    const countedAt = [...fresh, ...replayed].sort((a, b) => a.offset - b.offset);
    const counted = countedAt.map((d) => d.event);

    const minuteRows = channelContributions(batch.partition, batchOffset, counted, now);
    // Sessions read message text (urgent keywords): opened in memory here; the rows written below stay sealed.
    const sessions = this.o.sessions ? await this.o.sessions.fold(await this.opened(fresh), reader) : undefined;
    const rebuild = recovering ? { loader: this.recovery.rebuilder(), refold: replaysOnlyWarehouseKnew(decoded, stored, replayed) } : undefined;
    const kpis = this.o.kpis
      ? await this.o.kpis.fold({ partition: batch.partition, batchOffset, fresh, counted, ...(rebuild ? { rebuild } : {}) }, now, reader)
      : undefined;

    if (dead.length > 0) {
      await this.o.bus.publish(
        TOPICS.deadLetters,
        dead.map((d) => ({ key: d.ref, value: JSON.stringify(d) })),
      );
    }
    const written = this.writtenFrom.get(batch.partition);
    if (written === undefined || batchOffset <= written) await this.o.warehouse.discardContributions(batch.partition, batchOffset);
    this.writtenFrom.set(batch.partition, batchOffset);
    await this.o.warehouse.append(
      'events',
      countedAt.map((d) => toEventRow(batch.partition, d)),
    );
    await settleAll([
      this.o.warehouse.append('channel_minute_contrib', minuteRows),
      this.o.warehouse.append('dead_letters', dead),
      sessions?.write(this.o.warehouse),
      kpis?.write(this.o.warehouse),
    ]);

    const entries = [
      ...(sessions?.entries ?? []),
      ...(kpis?.entries ?? []),
      // The offset that counted the id: a replay at that offset counts it again (its old contribution is discarded);
      // the same id at any other offset is a duplicate.
      ...fresh.map((d) => ({ key: seenKey(d.event), value: seenMark(batch.partition, d.offset), ttlMs: this.o.dedupTtlMs })),
    ];
    if (entries.length > 0) await this.o.state.setMany(entries);
    this.processed += fresh.length;
    this.lateEvents += kpis?.lateEvents ?? 0;
    const done: BatchDone = { partition: batch.partition, events: fresh.length, duplicates: decoded.length - counted.length, deadLetters: dead.length };
    this.duplicates += done.duplicates;
    if (fresh.length > 0 || dead.length > 0) this.emit('batch', done);
  }

  /** Events rejected at ingest are kept in dead_letters for inspection and replay. */
  private async handleRejected(batch: BusBatch): Promise<void> {
    const rows: DeadLetterRow[] = batch.messages.map((m) => {
      const r = JSON.parse(m.value) as { source?: string; ref: string; code: string; reason: string; payload: string; at: number };
      return { source: r.source ?? 'ingest', ref: r.ref, code: r.code, reason: r.reason, payload: r.payload, failed_at: r.at };
    });
    await this.o.warehouse.append('dead_letters', rows);
  }

  async stop(): Promise<void> {
    await Promise.all(this.subs.map((s) => s.stop()));
    this.subs = [];
  }
}
