/**
 * KPI bench (issue 6): how fast one stream worker computes every KPI.
 *
 *  - fold only: KpiStep (minute windows, conversation facts, response times, deal cycles) over demo journeys,
 *    state in the in-process store, no warehouse: the KPI computation itself.
 *  - worker, KPIs on vs off: the whole EventWorker (dedup, first metrics, KPIs, state, commits) draining a
 *    backlog from the in-process bus into an in-memory DuckDB; the ratio is what the KPIs cost.
 * One process, one thread: events/s here is per core.
 */
import { performance } from 'node:perf_hooks';
import { systemClock } from '../shared/clock.js';
import { validateEvent, type EventEnvelope } from '../shared/envelope.js';
import { silentLogger } from '../shared/logger.js';
import { seededRng } from '../shared/random.js';
import { demoJourney } from '../ingest/demo/demo-journeys.js';
import { InProcessBus } from '../stream/bus/in-process-bus.js';
import { partitionFor } from '../stream/bus/partitioner.js';
import { EventWorker } from '../stream/event-worker.js';
import { KpiStep } from '../stream/kpis/kpi-step.js';
import { MemoryStateStore } from '../stream/state/memory-state-store.js';
import { TOPICS } from '../shared/topics.js';
import { DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.js';

const PARTITIONS = 4;
const kpiOptions = { ttlMs: 86_400_000, outOfOrdernessMs: 60_000, allowedLatenessMs: 600_000 };

/**
 * Demo journeys in arrival order, as envelopes. A journey starts every `spacingMs` of event time: at 0.25 ms
 * (about 4,000 new customers a second, ~50,000 events/s) the event-time density matches the rate the bench
 * is judged by; sparser traffic would make every event its own minute row and measure the wrong thing.
 */
export function demoEnvelopes(count: number, seed = 7, spacingMs = 0.25): EventEnvelope[] {
  const rng = seededRng(seed);
  const start = Date.UTC(2026, 10, 24, 0, 0);
  const out: Array<{ at: number; e: EventEnvelope }> = [];
  for (let j = 0; out.length < count; j++) {
    for (const s of demoJourney(rng, start + Math.floor(j * spacingMs), `b${seed}`)) {
      const v = validateEvent(s.event, 'bench', s.at + 86_400_000);
      if (v.ok) out.push({ at: s.at, e: { ...v.event, received_at: s.at } });
    }
  }
  return out
    .sort((a, b) => a.at - b.at)
    .slice(0, count)
    .map((x) => x.e);
}

async function foldOnly(events: EventEnvelope[]): Promise<number> {
  const state = new MemoryStateStore({ clock: systemClock });
  const step = new KpiStep({ state, ...kpiOptions });
  const byPartition = Array.from({ length: PARTITIONS }, () => [] as EventEnvelope[]);
  for (const e of events) byPartition[partitionFor(e.customer_key, PARTITIONS)].push(e);
  const t0 = performance.now();
  let offset = 0;
  for (let i = 0; i < events.length; i += 5000 * PARTITIONS) {
    for (const [p, list] of byPartition.entries()) {
      const batch = list.slice(i / PARTITIONS, i / PARTITIONS + 5000).map((event) => ({ offset: offset++, event }));
      if (batch.length === 0) continue;
      const out = await step.fold({ partition: p, batchOffset: batch[0].offset, fresh: batch, counted: batch.map((d) => d.event) }, 0);
      await state.setMany(out.entries);
    }
  }
  const s = (performance.now() - t0) / 1000;
  await state.close();
  return Math.round(events.length / s);
}

async function worker(events: EventEnvelope[], kpis: boolean): Promise<number> {
  const bus = new InProcessBus({ clock: systemClock });
  const state = new MemoryStateStore({ clock: systemClock });
  const warehouse = await DuckDbWarehouse.open(':memory:');
  await warehouse.migrate();
  await bus.ensureTopic(TOPICS.events, PARTITIONS);
  await bus.ensureTopic(TOPICS.rejected, 1);
  await bus.ensureTopic(TOPICS.deadLetters, 1);
  for (let i = 0; i < events.length; i += 5000) {
    await bus.publish(
      TOPICS.events,
      events.slice(i, i + 5000).map((e) => ({ key: e.customer_key, value: JSON.stringify(e) })),
    );
  }
  const w = new EventWorker({
    bus,
    state,
    warehouse,
    clock: systemClock,
    log: silentLogger(),
    dedupTtlMs: 86_400_000,
    stateTtlMs: 86_400_000,
    ...(kpis ? { kpis: new KpiStep({ state, ...kpiOptions }) } : {}),
  });
  const t0 = performance.now();
  await w.start();
  while (w.processed < events.length) await new Promise((r) => setTimeout(r, 20));
  const s = (performance.now() - t0) / 1000;
  await w.stop();
  await bus.close();
  await state.close();
  await warehouse.close();
  return Math.round(events.length / s);
}

export async function runKpiBench(opts: { events?: number; log?: (l: string) => void } = {}) {
  const n = opts.events ?? 200_000;
  const log = opts.log ?? (() => undefined);
  log(`kpis: generating ${n} demo events…`);
  const events = demoEnvelopes(n);
  log('kpis: KPI fold alone…');
  const fold = await foldOnly(events);
  log('kpis: stream worker with KPIs off…');
  const off = await worker(events, false);
  log('kpis: stream worker with every KPI on…');
  const on = await worker(events, true);
  return {
    events: n,
    partitions: PARTITIONS,
    kpi_fold_events_per_s: fold,
    worker_kpis_off_events_per_s: off,
    worker_kpis_on_events_per_s: on,
    kpi_cost_ratio: Number((off / on).toFixed(2)),
  };
}
