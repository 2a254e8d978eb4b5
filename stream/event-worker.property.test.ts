import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../shared/clock.js';
import { EVENT_TYPES, eventUid, type EventEnvelope, type EventType } from '../shared/envelope.js';
import { silentLogger } from '../shared/logger.js';
import type { BusBatch, EventBus, SubscribeOptions } from '../shared/ports/event-bus.js';
import type { StateStore } from '../shared/ports/state-store.js';
import type { Warehouse } from '../shared/ports/warehouse.js';
import type { ConversationFactsRow, KpiCounters, KpiMinuteRow } from '../shared/tables.js';
import type { ChannelMinuteRow, EventRow, TableName } from '../shared/tables.js';
import { EventWorker } from './event-worker.js';
import { COUNTER_NAMES, contribution, zeroCounters } from './kpis/counters.js';
import { conversationRows, emptyConversationKpis, foldConversationKpi } from './kpis/conversation-kpis.js';
import { dimsKey, eventDims } from './kpis/dims.js';
import { KpiStep } from './kpis/kpi-step.js';
import { UpsertTables } from './kpis/kpi-test-support.js';
import { MemoryStateStore } from './state/memory-state-store.js';
import { TOPICS } from '../shared/topics.js';

/**
 * The stream worker against a scripted bus that cuts batches, fails writes, kills the worker between its writes and
 * the commit, and wipes the StateStore, checked against a from-scratch recount of the distinct events: every minute
 * counter read the way the API reads it (rows summed) equals the batch recomputation, whatever the arrival order,
 * the age of the events, duplicates, batch cuts and faults.
 */

const MIN = 60_000;
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 2, 8, 0);

const eventArb = fc.record({
  customer: fc.integer({ min: 0, max: 5 }),
  type: fc.constantFrom<EventType>(...EVENT_TYPES),
  // From a month ago (a backfill) up to now: most far behind any watermark.
  ageMs: fc.oneof(fc.integer({ min: 0, max: 20 * MIN }), fc.integer({ min: 0, max: 30 * DAY })),
  channel: fc.constantFrom('web', 'wechat', 'sms'),
  source: fc.constantFrom('baidu', ''),
  tag: fc.constantFrom('VIP', 'normal'),
  score: fc.integer({ min: 1, max: 5 }),
  value: fc.integer({ min: 0, max: 9_000 }),
});
type Raw = typeof eventArb extends fc.Arbitrary<infer T> ? T : never;

function toEnvelope(r: Raw, i: number): EventEnvelope {
  const properties: Record<string, unknown> = { tag: r.tag, ...(r.source ? { source: r.source } : {}) };
  if (r.type === 'csat.submitted') properties.score = r.score;
  if (r.type === 'nps.submitted') properties.score = r.score * 2;
  if (r.type === 'deal.won') properties.value = r.value;
  const at = NOW - r.ageMs;
  return {
    id: `e${i}`,
    producer: 'p',
    type: r.type,
    channel: r.channel,
    occurred_at: at,
    received_at: NOW,
    customer_key: `ext:c${r.customer}`,
    customer: { external_id: `c${r.customer}` },
    conversation_id: `conv${r.customer}-${i % 2}`,
    agent_id: null,
    properties,
  };
}

/** What can go wrong while one batch is handled. */
type Fault = 'none' | 'append-fails' | 'append-lands-then-fails' | 'state-write-fails' | 'killed-before-commit' | 'state-lost';
const faultArb = fc.constantFrom<Fault>('none', 'none', 'append-fails', 'append-lands-then-fails', 'state-write-fails', 'killed-before-commit', 'state-lost');

/** A bus whose batches the test hands over itself (cut, redelivered from the committed offset). */
class ScriptedBus implements EventBus {
  handler?: (b: BusBatch) => Promise<void>;
  async ensureTopic(): Promise<void> {}
  async publish(): Promise<void> {}
  async subscribe(o: SubscribeOptions) {
    if (o.topics.includes(TOPICS.events)) this.handler = (b) => o.eachBatch(b);
    return { stop: async () => undefined, lag: async () => [] };
  }
  async close(): Promise<void> {}
}

/** The in-memory warehouse (upsert by key, discard by batch), with a switch that makes the next append fail. */
class FaultySink {
  readonly tables = new UpsertTables();
  failNext: 'none' | 'before' | 'after' = 'none';
  readonly port = {
    migrate: async () => [],
    append: async (t: TableName, rows: Array<Record<string, unknown>>) => {
      const f = this.failNext;
      this.failNext = 'none';
      if (f === 'before') throw new Error('insert refused');
      this.tables.append(t, rows);
      if (f === 'after') throw new Error('insert landed, acknowledgement lost');
    },
    discardContributions: async (p: number, from: number) => this.tables.discard(p, from),
    // The named queries the worker's state recovery runs, over the in-memory events table.
    query: async (name: string, params: Record<string, unknown>) => {
      const events = this.tables.rows<EventRow>('events');
      const has = (list: unknown, v: unknown) => (list as unknown[]).includes(v);
      if (name === 'events_count') return [{ events: events.length }];
      if (name === 'events_counted_at') return events.filter((e) => has(params.producers, e.producer) && has(params.ids, e.id));
      const rows = (pick: (e: EventRow) => unknown) =>
        events
          .filter((e) => has(params.keys, pick(e)))
          .map((e) => ({ ...e, occurred_at_ms: e.occurred_at, received_at_ms: e.received_at }))
          .sort((a, b) => a.occurred_at - b.occurred_at || a.id.localeCompare(b.id));
      if (name === 'events_of_conversations') return rows((e) => e.conversation_id);
      if (name === 'events_of_customers') return rows((e) => e.customer_key);
      throw new Error(`unexpected query ${name}`);
    },
    close: async () => undefined,
  } as unknown as Warehouse;
}

/** A StateStore whose contents can vanish at once (a Redis restart without persistence). */
function losableState(): { store: StateStore; lose(): void; failNextWrite(): void } {
  let inner = new MemoryStateStore({ clock: systemClock });
  let failWrite = false;
  const store = new Proxy({} as StateStore, {
    get:
      (_t, k: keyof StateStore) =>
      (...args: unknown[]) => {
        if (k === 'setMany' && failWrite) {
          failWrite = false;
          return Promise.reject(new Error('state write failed'));
        }
        return (inner[k] as (...a: unknown[]) => unknown).apply(inner, args);
      },
  });
  return {
    store,
    lose: () => {
      void inner.close();
      inner = new MemoryStateStore({ clock: systemClock });
    },
    failNextWrite: () => {
      failWrite = true;
    },
  };
}

async function run(events: EventEnvelope[], cuts: number[], faults: Fault[]) {
  const sink = new FaultySink();
  const state = losableState();
  const bus = new ScriptedBus();
  const clock = { now: () => NOW };
  const newWorker = async () => {
    const kpis = new KpiStep({ state: state.store, ttlMs: 40 * DAY, outOfOrdernessMs: MIN, allowedLatenessMs: 10 * MIN });
    const w = new EventWorker({ bus, state: state.store, warehouse: sink.port, clock, log: silentLogger(), dedupTtlMs: 40 * DAY, stateTtlMs: 40 * DAY, kpis });
    await w.start();
    return w;
  };
  await newWorker();
  const partitions = 2;
  const logs = Array.from({ length: partitions }, () => [] as EventEnvelope[]);
  for (const e of events) logs[Number(e.customer_key.slice(-1)) % partitions].push(e);
  let step = 0;
  for (let p = 0; p < partitions; p++) {
    let committed = 0;
    while (committed < logs[p].length) {
      const size = cuts[step % cuts.length];
      // Each fault strikes once, at its step; afterwards the run completes.
      const fault = faults[step] ?? 'none';
      step++;
      const messages = logs[p]
        .slice(committed, committed + size)
        .map((e, i) => ({ topic: TOPICS.events, partition: p, offset: committed + i, key: e.customer_key, value: JSON.stringify(e), timestamp: NOW }));
      if (fault === 'append-fails') sink.failNext = 'before';
      if (fault === 'append-lands-then-fails') sink.failNext = 'after';
      if (fault === 'state-write-fails') state.failNextWrite();
      try {
        await bus.handler!({ topic: TOPICS.events, partition: p, messages });
      } catch {
        continue; // nothing committed: the bus delivers again from `committed`, cut anew
      }
      if (fault === 'killed-before-commit') {
        await newWorker(); // the process died after its writes: a new one starts from the committed offset
        continue;
      }
      if (fault === 'state-lost') {
        state.lose();
        await newWorker();
        continue; // lost together with the commit: the worst case
      }
      committed += messages.length;
    }
  }
  return sink.tables;
}

function recount(events: EventEnvelope[]) {
  const kpi = new Map<string, KpiCounters>();
  const channel = new Map<string, { events: number; conversations: number }>();
  const seen = new Set<string>();
  for (const e of events) {
    if (seen.has(eventUid(e))) continue;
    seen.add(eventUid(e));
    const minute = Math.floor(e.occurred_at / MIN) * MIN;
    const k = `${minute}|${dimsKey(eventDims(e))}`;
    const acc = kpi.get(k) ?? zeroCounters();
    const c = contribution(e);
    for (const n of COUNTER_NAMES) acc[n] += c[n];
    kpi.set(k, acc);
    const ck = `${minute}|${e.channel}`;
    const cc = channel.get(ck) ?? { events: 0, conversations: 0 };
    cc.events += 1;
    if (e.type === 'conversation.started') cc.conversations += 1;
    channel.set(ck, cc);
  }
  return { kpi, channel, distinct: seen.size };
}

function summed(tables: UpsertTables) {
  const kpi = new Map<string, KpiCounters>();
  for (const r of tables.rows<KpiMinuteRow>('kpi_minute_contrib')) {
    const k = `${r.minute}|${dimsKey(r)}`;
    const acc = kpi.get(k) ?? zeroCounters();
    for (const n of COUNTER_NAMES) acc[n] += r[n];
    kpi.set(k, acc);
  }
  const channel = new Map<string, { events: number; conversations: number }>();
  for (const r of tables.rows<ChannelMinuteRow>('channel_minute_contrib')) {
    const k = `${r.minute}|${r.channel}`;
    const acc = channel.get(k) ?? { events: 0, conversations: 0 };
    acc.events += r.events;
    acc.conversations += r.conversations;
    channel.set(k, acc);
  }
  return { kpi, channel };
}

/** The newest conversation_facts row per conversation, without its version (what readers see). */
function newestFacts(tables: UpsertTables) {
  return tables
    .rows<ConversationFactsRow>('conversation_facts')
    .map(({ version: _v, ...f }) => f)
    .sort((a, b) => a.conversation_id.localeCompare(b.conversation_id));
}

/** Each conversation folded once from its distinct events in event-time order. */
function batchFacts(events: EventEnvelope[]) {
  const byConv = new Map<string, EventEnvelope[]>();
  for (const e of events) byConv.set(e.conversation_id!, [...(byConv.get(e.conversation_id!) ?? []), e]);
  const out = [];
  for (const [id, list] of byConv) {
    const s = [...list].sort((a, b) => a.occurred_at - b.occurred_at).reduce(foldConversationKpi, emptyConversationKpis(list[0].customer_key));
    const f = conversationRows(id, s, 0).facts;
    if (f) {
      const { version: _v, ...rest } = f;
      out.push(rest);
    }
  }
  return out.sort((a, b) => a.conversation_id.localeCompare(b.conversation_id));
}

describe('stream worker: minute counters = batch recomputation over all events, through faults', () => {
  it('counts every event once in its own minute, late, backfilled, duplicated, re-cut, failed and replayed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArb, { minLength: 1, maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 8 }),
        fc.array(
          faultArb.filter((f) => f !== 'state-lost'),
          { minLength: 1, maxLength: 12 },
        ),
        async (raw, dupes, cuts, faults) => {
          const events = raw.map(toEnvelope);
          const arrivals = [...events, ...dupes.map((d) => events[d % events.length])];
          const tables = await run(arrivals, cuts, faults);
          const want = recount(arrivals);
          const got = summed(tables);
          expect(got.kpi).toEqual(want.kpi);
          expect(got.channel).toEqual(want.channel);
          expect(tables.rows('events').length).toBe(want.distinct);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a StateStore that loses everything: minutes, dedup and conversation facts stay exact (rebuilt from the warehouse)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArb, { minLength: 1, maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 8 }),
        fc.array(faultArb, { minLength: 1, maxLength: 12 }),
        async (raw, dupes, cuts, faults) => {
          const events = raw.map(toEnvelope);
          // Duplicates land after the loss too: the store forgot them, the warehouse did not.
          const arrivals = [...events, ...dupes.map((d) => events[d % events.length])];
          const tables = await run(arrivals, cuts, [...faults.slice(0, 4), 'state-lost', ...faults.slice(4)]);
          const want = recount(arrivals);
          const got = summed(tables);
          expect(got.kpi).toEqual(want.kpi);
          expect(got.channel).toEqual(want.channel);
          expect(tables.rows('events').length).toBe(want.distinct);
          expect(newestFacts(tables)).toEqual(batchFacts(events));
        },
      ),
      { numRuns: 150 },
    );
  });
});
