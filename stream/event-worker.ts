import { EventEmitter } from 'node:events';
import type { Clock } from '../shared/clock.js';
import { eventUid, type EventEnvelope } from '../shared/envelope.js';
import type { Logger } from '../shared/logger.js';
import type { BusBatch, EventBus, Subscription } from '../shared/ports/event-bus.js';
import type { StateStore } from '../shared/ports/state-store.js';
import type { Warehouse } from '../shared/ports/warehouse.js';
import type { DeadLetterRow, EventRow } from '../warehouse/tables.js';
import type { SessionStep } from './sessions/session-step.js';
import type { KpiStep } from './kpis/kpi-step.js';
import { foldFirstMetrics, minuteKey, minuteOf, type MinuteCounter, type OffsetEvent } from './metrics/first-metrics.js';
import { STREAM_GROUP, TOPICS } from './topics.js';

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
  /** Event-time KPI windows and facts (stream/kpis); absent skips them. */
  kpis?: KpiStep;
}

export interface BatchDone {
  partition: number;
  events: number;
  duplicates: number;
  deadLetters: number;
}

function toEventRow(e: EventEnvelope): EventRow {
  return {
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
const counterKey = (partition: number, k: string) => `cm:${partition}:${k}`;

/**
 * The stream worker: consumes events per partition and, for each batch,
 * drops ids already counted, folds the rest into the first metric set, writes
 * raw events and metric rows to the warehouse, then records the new state and
 * the counted ids in one atomic write. The bus commits the offset after that.
 * A crash anywhere replays the batch with the same result (exactly-once counts).
 * Emits 'batch' (BatchDone) after each committed batch with new data.
 */
export class EventWorker extends EventEmitter {
  private subs: Subscription[] = [];
  processed = 0;
  /** Events too late for their KPI minute (kept in late_events). */
  lateEvents = 0;

  constructor(private readonly o: EventWorkerOptions) {
    super();
  }

  async start(): Promise<void> {
    this.subs.push(
      await this.o.bus.subscribe({
        groupId: STREAM_GROUP,
        topics: [TOPICS.events],
        maxBatchSize: this.o.maxBatchSize ?? 5000,
        eachBatch: (b) => this.handleEvents(b),
        onError: (err, b) => this.o.log.error({ err, partition: b.partition, offset: b.messages[0].offset }, 'event batch failed; will retry'),
      }),
      await this.o.bus.subscribe({
        groupId: STREAM_GROUP,
        topics: [TOPICS.rejected],
        eachBatch: (b) => this.handleRejected(b),
        onError: (err) => this.o.log.error({ err }, 'rejected batch failed; will retry'),
      }),
    );
  }

  async lag(): Promise<number> {
    let total = 0;
    for (const s of this.subs) for (const p of await s.lag()) total += p.lag;
    return total;
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
        dead.push({ source: 'stream', ref: `${m.topic}/${m.partition}/${m.offset}`, code: 'STR_ERR_UNPARSABLE', reason: (err as Error).message, payload: m.value.slice(0, 65536), failed_at: now });
      }
    }
    const seen = await this.o.state.getMany(decoded.map((d) => seenKey(d.event)));
    const inBatch = new Set<string>();
    const fresh: OffsetEvent[] = [];
    decoded.forEach((d, i) => {
      const uid = eventUid(d.event);
      if (seen[i] !== null || inBatch.has(uid)) return;
      inBatch.add(uid);
      fresh.push(d);
    });

    const cKeys = [...new Set(fresh.map((d) => minuteKey(minuteOf(d.event.occurred_at), d.event.channel)))];
    const cVals = await this.o.state.getMany(cKeys.map((k) => counterKey(batch.partition, k)));
    const counters = new Map<string, MinuteCounter>();
    cKeys.forEach((k, i) => cVals[i] && counters.set(k, JSON.parse(cVals[i]!) as MinuteCounter));

    const out = foldFirstMetrics({ partition: batch.partition, events: fresh, counters });
    const sessions = this.o.sessions ? await this.o.sessions.fold(fresh) : undefined;
    const kpis = this.o.kpis ? await this.o.kpis.fold(batch.partition, fresh, now) : undefined;

    if (dead.length > 0) {
      await this.o.bus.publish(TOPICS.deadLetters, dead.map((d) => ({ key: d.ref, value: JSON.stringify(d) })));
    }
    await this.o.warehouse.append('events', fresh.map((d) => toEventRow(d.event)) as unknown as Array<Record<string, unknown>>);
    await Promise.all([
      this.o.warehouse.append('channel_minute', out.minuteRows as unknown as Array<Record<string, unknown>>),
      this.o.warehouse.append('dead_letters', dead as unknown as Array<Record<string, unknown>>),
      sessions?.write(this.o.warehouse),
      kpis?.write(this.o.warehouse),
    ]);

    const entries = [
      ...[...out.counters].map(([k, c]) => ({ key: counterKey(batch.partition, k), value: JSON.stringify(c), ttlMs: this.o.stateTtlMs })),
      ...(sessions?.entries ?? []),
      ...(kpis?.entries ?? []),
      ...fresh.map((d) => ({ key: seenKey(d.event), value: '1', ttlMs: this.o.dedupTtlMs })),
    ];
    if (entries.length > 0) await this.o.state.setMany(entries);
    this.processed += fresh.length;
    this.lateEvents += kpis?.lateEvents ?? 0;
    const done: BatchDone = { partition: batch.partition, events: fresh.length, duplicates: decoded.length - fresh.length, deadLetters: dead.length };
    if (fresh.length > 0 || dead.length > 0) this.emit('batch', done);
  }

  /** Events rejected at ingest are kept in dead_letters for inspection and replay. */
  private async handleRejected(batch: BusBatch): Promise<void> {
    const rows: DeadLetterRow[] = batch.messages.map((m) => {
      const r = JSON.parse(m.value) as { source?: string; ref: string; code: string; reason: string; payload: string; at: number };
      return { source: r.source ?? 'ingest', ref: r.ref, code: r.code, reason: r.reason, payload: r.payload, failed_at: r.at };
    });
    await this.o.warehouse.append('dead_letters', rows as unknown as Array<Record<string, unknown>>);
  }

  async stop(): Promise<void> {
    await Promise.all(this.subs.map((s) => s.stop()));
    this.subs = [];
  }
}
