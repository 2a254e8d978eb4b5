import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../shared/clock.js';
import { EVENT_TYPES, type EventEnvelope, type EventType } from '../../shared/envelope.js';
import type { ConversationFactsRow, KpiCounters, KpiMinuteRow, LateEventRow, ResponseTimeRow } from '../../shared/tables.js';
import type { Warehouse } from '../../shared/ports/warehouse.js';
import type { TableName } from '../../shared/tables.js';
import { MemoryStateStore } from '../state/memory-state-store.js';
import { COUNTER_NAMES, contribution, zeroCounters } from './counters.js';
import { conversationRows, emptyConversationKpis, foldConversationKpi } from './conversation-kpis.js';
import { dimsKey, eventDims } from './dims.js';
import { KpiStep } from './kpi-step.js';
import { UpsertTables } from './kpi-test-support.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 24, 8, 0);

/** Random conversations whose events state all their dimensions (so the batch side needs no conversation context). */
const eventArb = fc.record({
  conv: fc.integer({ min: 0, max: 5 }),
  type: fc.constantFrom<EventType>(...EVENT_TYPES),
  t: fc.integer({ min: 0, max: 20 * MIN }),
  channel: fc.constantFrom('web', 'wechat', 'sms'),
  source: fc.constantFrom('baidu', 'wechat_ad', ''),
  team: fc.constantFrom('east', 'north'),
  agent: fc.constantFrom('a1', 'a2', null),
  tag: fc.constantFrom('VIP', 'normal', 'high_value'),
  score: fc.integer({ min: 1, max: 5 }),
  value: fc.integer({ min: 0, max: 9_000 }),
  wait: fc.option(fc.integer({ min: 0, max: 300_000 }), { nil: undefined }),
  met: fc.boolean(),
  delay: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 15 * MIN })),
});

type Raw = typeof eventArb extends fc.Arbitrary<infer T> ? T : never;

function toEnvelope(r: Raw, i: number): EventEnvelope {
  const properties: Record<string, unknown> = { team: r.team, tag: r.tag, ...(r.source ? { source: r.source } : {}) };
  if (r.type === 'csat.submitted') properties.score = r.score;
  if (r.type === 'nps.submitted') properties.score = r.score * 2;
  if (r.type === 'deal.won' || r.type === 'opportunity.created') properties.value = r.value;
  if (r.type === 'conversation.assigned' && r.wait !== undefined) Object.assign(properties, { wait_ms: r.wait, sla_met: r.met });
  if (r.type === 'conversation.closed') properties.outcome = 'deal';
  return {
    id: `e${i}`,
    producer: 'p',
    type: r.type,
    channel: r.channel,
    occurred_at: T0 + r.t,
    received_at: T0 + r.t + r.delay,
    customer_key: `ext:c${r.conv % 3}`,
    customer: { external_id: `c${r.conv % 3}` },
    conversation_id: `conv${r.conv}`,
    agent_id: r.agent,
    properties,
  };
}

const scenarioArb = fc.record({
  raw: fc.array(eventArb, { minLength: 1, maxLength: 80 }),
  dupes: fc.array(fc.nat(), { maxLength: 10 }),
  cuts: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 10 }),
  partitions: fc.integer({ min: 1, max: 3 }),
  lateness: fc.constantFrom(0, MIN, 5 * MIN),
});

/** Runs events (in arrival order, duplicates included) through KpiStep like the worker: dedup, fold, write, commit. */
async function stream(arrivals: EventEnvelope[], cuts: number[], partitions: number, lateness: number) {
  const state = new MemoryStateStore({ clock: systemClock });
  const step = new KpiStep({ state, ttlMs: 86_400_000, outOfOrdernessMs: MIN, allowedLatenessMs: lateness });
  const sink = new UpsertTables();
  const seen = new Set<string>();
  const byPartition = new Map<number, EventEnvelope[]>();
  for (const e of arrivals) {
    const p = Number(e.customer_key.slice(-1)) % partitions;
    byPartition.set(p, [...(byPartition.get(p) ?? []), e]);
  }
  for (const [p, list] of byPartition) {
    let offset = 0;
    let c = 0;
    for (let i = 0; i < list.length;) {
      const batch = list.slice(i, i + cuts[c++ % cuts.length]);
      i += batch.length;
      const batchOffset = offset;
      const fresh = batch.filter((e) => !seen.has(e.id) && (seen.add(e.id), true)).map((event) => ({ offset: offset++, event }));
      const out = await step.fold({ partition: p, batchOffset, fresh, counted: fresh.map((d) => d.event) }, 0);
      await out.write({ append: async (t: TableName, rows: Array<Record<string, unknown>>) => sink.append(t, rows) } as unknown as Warehouse);
      await state.setMany(out.entries);
    }
  }
  await state.close();
  return sink;
}

const sumRows = (rows: KpiMinuteRow[]) => {
  const m = new Map<string, KpiCounters>();
  for (const r of rows) {
    const k = `${r.minute}|${dimsKey(r)}`;
    const acc = m.get(k) ?? zeroCounters();
    for (const n of COUNTER_NAMES) acc[n] += r[n];
    m.set(k, acc);
  }
  return m;
};

/** The generator must produce late events, or the "late events count too" half of the property is never exercised. */
let lateSeen = 0;
afterAll(() => expect(lateSeen).toBeGreaterThan(10));

/** Which events a partition sees after the watermark passed their minute + lateness, replayed one by one. */
function lateReference(arrivals: EventEnvelope[], partitions: number, lateness: number): Set<string> {
  const seen = new Set<string>();
  const max = new Map<number, number>();
  const late = new Set<string>();
  for (const e of arrivals) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    const p = Number(e.customer_key.slice(-1)) % partitions;
    const m = max.get(p);
    if (m !== undefined && m - MIN >= Math.floor(e.occurred_at / MIN) * MIN + MIN + lateness) late.add(e.id);
    max.set(p, Math.max(m ?? -Infinity, e.occurred_at));
  }
  return late;
}

describe('KPI stream = batch recomputation', () => {
  it('minute counters equal a batch recount of every event, late ones included; late arrivals are recorded once', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ raw, dupes, cuts, partitions, lateness }) => {
        const events = raw.map(toEnvelope);
        const arrivals = [...events, ...dupes.map((d) => events[d % events.length])].sort((a, b) => a.received_at - b.received_at || a.id.localeCompare(b.id));
        const sink = await stream(arrivals, cuts, partitions, lateness);
        const late = sink.rows<LateEventRow>('late_events');
        const lateIds = new Set(late.map((l) => l.id));
        expect(late.length).toBe(lateIds.size);
        expect(lateIds).toEqual(lateReference(arrivals, partitions, lateness));
        lateSeen += late.length;
        const expected = new Map<string, KpiCounters>();
        for (const e of events) {
          const k = `${Math.floor(e.occurred_at / MIN) * MIN}|${dimsKey(eventDims(e))}`;
          const acc = expected.get(k) ?? zeroCounters();
          const c = contribution(e);
          for (const n of COUNTER_NAMES) acc[n] += c[n];
          expected.set(k, acc);
        }
        expect(sumRows(sink.rows<KpiMinuteRow>('kpi_minute_contrib'))).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('conversation facts and response times do not depend on arrival order, batching or duplicates', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ raw, dupes, cuts, partitions, lateness }) => {
        const events = raw.map(toEnvelope);
        const arrivals = [...events, ...dupes.map((d) => events[d % events.length])].sort((a, b) => a.received_at - b.received_at || a.id.localeCompare(b.id));
        const sink = await stream(arrivals, cuts, partitions, lateness);
        // Batch: each conversation folded once in event-time order from an empty state.
        const facts: ConversationFactsRow[] = [];
        const responses: ResponseTimeRow[] = [];
        const byConv = new Map<string, EventEnvelope[]>();
        for (const e of events) byConv.set(e.conversation_id!, [...(byConv.get(e.conversation_id!) ?? []), e]);
        for (const [id, list] of byConv) {
          const s = [...list].sort((a, b) => a.occurred_at - b.occurred_at).reduce(foldConversationKpi, emptyConversationKpis(list[0].customer_key));
          const out = conversationRows(id, s, 0);
          if (out.facts) facts.push(out.facts);
          responses.push(...out.responses);
        }
        const strip = <T extends { version: number }>(rows: T[]) =>
          rows.map(({ version: _v, ...r }) => r).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
        expect(strip(sink.rows<ConversationFactsRow>('conversation_facts').map((f) => ({ ...f, customer_key: '' })))).toEqual(
          strip(facts.map((f) => ({ ...f, customer_key: '' }))),
        );
        expect(strip(sink.rows<ResponseTimeRow>('response_times').filter((r) => r.response_ms >= 0))).toEqual(strip(responses));
      }),
      { numRuns: 150 },
    );
  });
});
