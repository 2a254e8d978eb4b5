import { performance } from 'node:perf_hooks';
import { demoEnvelopes } from './kpis.bench.js';
import { systemClock } from '../shared/clock.js';
import { MemoryStateStore } from '../stream/state/memory-state-store.js';
import { KpiStep } from '../stream/kpis/kpi-step.js';
import { partitionFor } from '../stream/bus/partitioner.js';
const events = demoEnvelopes(100_000);
for (let run = 0; run < 3; run++) {
const state = new MemoryStateStore({ clock: systemClock });
const step = new KpiStep({ state, ttlMs: 1e9, outOfOrdernessMs: 60000, allowedLatenessMs: 600000 });
let off = 0;
const byP = [0,1,2,3].map(() => [] as any[]); for (const e of events) byP[partitionFor(e.customer_key, 4)].push(e);
const t0 = performance.now();
for (let i = 0; i < 25000; i += 5000) for (const [p, l] of byP.entries()) {
  const b = l.slice(i, i + 5000).map((event: any) => ({ offset: off++, event })); if (!b.length) continue;
  const out = await step.fold(p, b, 0); await state.setMany(out.entries);
}
console.log(Math.round(events.length / ((performance.now() - t0) / 1000)), 'events/s');
}
process.exit(0);
