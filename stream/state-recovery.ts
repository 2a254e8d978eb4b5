import type { EventEnvelope } from '../shared/envelope.js';
import { jsonObject } from '../shared/json.js';
import type { Logger } from '../shared/logger.js';
import type { StateStore } from '../shared/ports/state-store.js';
import type { Warehouse } from '../shared/ports/warehouse.js';
import { seenMark } from './batch-dedup.js';
import type { OffsetEvent } from './metrics/first-metrics.js';

/**
 * The StateStore is a cache; the bus and the warehouse are the truth. A marker key written with the first batch
 * tells a worker whether the store still holds what it wrote: when the marker is gone but the warehouse has events,
 * the store lost its contents (a Redis restart without persistence, a flushed database, a deleted journal). For
 * one dedup TTL afterwards, an id the store does not know is looked up in the warehouse (which keeps the offset
 * that counted it), and a conversation or customer whose KPI state is missing is rebuilt by folding its stored
 * events again. The per-minute counters need nothing: they are per-batch contributions (docs/metrics.md).
 */
export const EPOCH_KEY = 'stream:epoch';

export interface Epoch {
  /** When this store's contents began (ms). */
  since: number;
  /** Until when ids and KPI states missing from the store are looked up in the warehouse; null when never lost. */
  recoverUntil: number | null;
}

export interface RecoveryStats {
  /** Times a worker found the store emptied. */
  losses: number;
  /** Ids the store did not know that the warehouse had counted (duplicates or replays caught there). */
  dedupFromWarehouse: number;
  conversationsRebuilt: number;
  customersRebuilt: number;
}

/** Loads the stored events of conversations and customers whose KPI state the store lost. */
export interface StateRebuilder {
  conversationEvents(ids: string[]): Promise<EventEnvelope[]>;
  customerEvents(keys: string[]): Promise<EventEnvelope[]>;
  /** Counts the states rebuilt from at least one stored event (for logs and metrics). */
  rebuilt(conversations: number, customers: number): void;
}

type Row = Record<string, unknown>;

const str = (v: unknown) => (v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v));

function toEnvelope(r: Row): EventEnvelope {
  return {
    producer: String(r.producer),
    id: String(r.id),
    type: String(r.type) as EventEnvelope['type'],
    channel: String(r.channel),
    occurred_at: Number(r.occurred_at_ms),
    received_at: Number(r.received_at_ms),
    customer_key: String(r.customer_key),
    conversation_id: str(r.conversation_id),
    agent_id: str(r.agent_id),
    customer: jsonObject(r.customer),
    properties: jsonObject(r.properties),
  };
}

export class StateRecovery {
  readonly stats: RecoveryStats = { losses: 0, dedupFromWarehouse: 0, conversationsRebuilt: 0, customersRebuilt: 0 };

  constructor(private readonly o: { warehouse: Warehouse; state: StateStore; log: Logger; dedupTtlMs: number }) {}

  /**
   * Reads the marker fetched with the batch. Absent: a new store (nothing in the warehouse) or a lost one. The
   * marker is written at once, before the batch writes anything: a batch that then fails, having stored some
   * events, must not make its own retry look like a loss.
   */
  async epoch(raw: string | null, now: number): Promise<Epoch> {
    if (raw !== null) return JSON.parse(raw) as Epoch;
    const [row] = await this.o.warehouse.query<{ events: unknown }>('events_count', { producer: null });
    const stored = Number(row?.events ?? 0);
    const epoch: Epoch = { since: now, recoverUntil: stored > 0 ? now + this.o.dedupTtlMs : null };
    // Partitions (and other workers) race here: the first marker written wins, the others adopt it.
    if (!(await this.o.state.setIfAbsent(EPOCH_KEY, JSON.stringify(epoch)))) {
      const now2 = await this.o.state.get(EPOCH_KEY);
      if (now2 !== null) return JSON.parse(now2) as Epoch;
    }
    if (stored > 0) {
      this.stats.losses += 1;
      this.o.log.warn(
        { storedEvents: stored, recoverUntil: new Date(epoch.recoverUntil!).toISOString() },
        'the state store lost its contents (no epoch marker, but the warehouse holds events): dedup and KPI state are rebuilt from the warehouse on demand until recoverUntil; per-minute counters are unaffected',
      );
    }
    return epoch;
  }

  recovering(epoch: Epoch, now: number): boolean {
    return epoch.recoverUntil !== null && now < epoch.recoverUntil;
  }

  /**
   * Fills the ids the store does not know from the warehouse: the mark of the partition and offset that counted
   * them (a row without an offset, from before migration 007, counts as counted elsewhere).
   */
  async seenFromWarehouse(decoded: readonly OffsetEvent[], seen: ReadonlyArray<string | null>): Promise<Array<string | null>> {
    const unknown = decoded.filter((_, i) => seen[i] === null);
    if (unknown.length === 0) return [...seen];
    const rows = await this.o.warehouse.query<Row>('events_counted_at', {
      producers: [...new Set(unknown.map((d) => d.event.producer))],
      ids: [...new Set(unknown.map((d) => d.event.id))],
    });
    const marks = new Map<string, string>();
    for (const r of rows) {
      const offset = r.bus_offset === null || r.bus_offset === undefined ? null : Number(r.bus_offset);
      marks.set(`${String(r.producer)}\u0000${String(r.id)}`, offset === null ? 'counted-before-offsets' : seenMark(Number(r.bus_partition), offset));
    }
    let found = 0;
    const out = decoded.map((d, i) => {
      if (seen[i] !== null) return seen[i];
      const m = marks.get(`${d.event.producer}\u0000${d.event.id}`) ?? null;
      if (m !== null) found += 1;
      return m;
    });
    if (found > 0) {
      this.stats.dedupFromWarehouse += found;
      this.o.log.info({ found }, 'ids unknown to the state store found counted in the warehouse');
    }
    return out;
  }

  rebuilder(): StateRebuilder {
    const load = async (name: string, keys: string[]) => (keys.length === 0 ? [] : (await this.o.warehouse.query<Row>(name, { keys })).map(toEnvelope));
    return {
      conversationEvents: (ids) => load('events_of_conversations', ids),
      customerEvents: (keys) => load('events_of_customers', keys),
      rebuilt: (conversations, customers) => {
        this.stats.conversationsRebuilt += conversations;
        this.stats.customersRebuilt += customers;
        // Only states that had stored events count: bounded by what was open across the loss, so warn is not noisy.
        if (conversations + customers > 0) this.o.log.warn({ conversations, customers }, 'KPI state the state store had lost rebuilt from the warehouse');
      },
    };
  }
}
