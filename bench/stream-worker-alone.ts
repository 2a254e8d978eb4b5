/**
 * The embedded stream worker alone, for before/after comparisons of the stream side (docs/performance.md):
 * `node scripts/run-ts.js bench/stream-worker-alone.ts [--events N] [--root DIR]`. Publishes N demo events
 * (bench/kpis.bench.ts) to an in-process bus with segment files, then times an EventWorker with sessions and every
 * KPI on, a journaled memory StateStore and a DuckDB file draining them, and prints events/s, the process's CPU per
 * event (every thread) and the event loop's busy time per event. `--root` runs the sources of another checkout
 * (a worktree of the commit before a change), so both sides run the same way.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseFlags } from '../cli/args.js';
import { projectRoot } from '../shared/paths.js';

const parsed = parseFlags(process.argv.slice(2), { events: { type: 'number', integer: true, min: 1 }, root: { type: 'string' } });
if (!parsed.ok) {
  console.error(`stream-worker-alone: ${parsed.message}`);
  process.exit(2);
}
const root = resolve(parsed.flags.root ?? projectRoot());
const n = parsed.flags.events ?? 100_000;
// Typed as this checkout's modules; --root loads the other checkout's at run time.
const from = <M>(p: string): Promise<M> => import(join(root, p)) as Promise<M>;
const { InProcessBus } = await from<typeof import('../stream/bus/in-process-bus.js')>('stream/bus/in-process-bus.ts');
const { MemoryStateStore } = await from<typeof import('../stream/state/memory-state-store.js')>('stream/state/memory-state-store.ts');
const { DuckDbWarehouse } = await from<typeof import('../warehouse/duckdb/duckdb-warehouse.js')>('warehouse/duckdb/duckdb-warehouse.ts');
const { EventWorker } = await from<typeof import('../stream/event-worker.js')>('stream/event-worker.ts');
const { KpiStep } = await from<typeof import('../stream/kpis/kpi-step.js')>('stream/kpis/kpi-step.ts');
const { SessionStep } = await from<typeof import('../stream/sessions/session-step.js')>('stream/sessions/session-step.ts');
const { TOPICS } = await from<typeof import('../shared/topics.js')>('shared/topics.ts');
const { systemClock } = await from<typeof import('../shared/clock.js')>('shared/clock.ts');
const { silentLogger } = await from<typeof import('../shared/logger.js')>('shared/logger.ts');
const { demoEnvelopes } = await from<typeof import('../bench/kpis.bench.js')>('bench/kpis.bench.ts');

const dir = mkdtempSync(join(tmpdir(), 'omnilane-worker-alone-'));
const DAY = 86_400_000;
try {
  const events = demoEnvelopes(n) as Array<{ customer_key: string }>;
  const bus = new InProcessBus({ clock: systemClock, dir: join(dir, 'bus') });
  const state = new MemoryStateStore({ clock: systemClock, journalPath: join(dir, 'state', 'state.journal') });
  const warehouse = await DuckDbWarehouse.open(join(dir, 'warehouse', 'omnilane.duckdb'));
  await warehouse.migrate();
  await bus.ensureTopic(TOPICS.events, 4);
  await bus.ensureTopic(TOPICS.rejected, 1);
  await bus.ensureTopic(TOPICS.deadLetters, 1);
  for (let i = 0; i < events.length; i += 5000)
    await bus.publish(
      TOPICS.events,
      events.slice(i, i + 5000).map((e) => ({ key: e.customer_key, value: JSON.stringify(e) })),
    );
  const worker = new EventWorker({
    bus,
    state,
    warehouse,
    clock: systemClock,
    log: silentLogger(),
    dedupTtlMs: DAY,
    stateTtlMs: DAY,
    sessions: new SessionStep({
      state,
      ttlMs: DAY,
      rules: { switchWindowMs: 30 * 60_000, expiryMs: 30 * 60_000, priority: { channels: {}, defaultChannel: 10, urgentKeywords: [], urgentBoost: 0 } },
    }),
    kpis: new KpiStep({ state, ttlMs: DAY, outOfOrdernessMs: 5_000, allowedLatenessMs: DAY }),
  });
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  await worker.start();
  while (worker.processed < events.length) await new Promise((r) => setTimeout(r, 20));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const loopMs = performance.eventLoopUtilization(elu0).active;
  console.log(
    `${root}: ${n} events, ${Math.round(n / seconds)} events/s; process CPU ${((cpu.user + cpu.system) / n).toFixed(1)} µs/event; ` +
      `event loop busy ${((1000 * loopMs) / n).toFixed(1)} µs/event`,
  );
  await worker.stop();
  await bus.close();
  await state.close();
  await warehouse.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
