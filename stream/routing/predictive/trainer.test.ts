import { afterAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../../shared/clock.js';
import { silentLogger } from '../../../shared/logger.js';
import { DuckDbWarehouse } from '../../../warehouse/duckdb/duckdb-warehouse.js';
import { candidateFor, type Agent, type Conversation } from '../model.js';
import { leastLoaded, type RoutingPolicy } from '../policies.js';
import { DAY_MS } from './history.js';
import { syntheticRoutingEvents } from './synthetic-history.js';
import { PredictiveTrainer } from './trainer.js';

const START = Date.UTC(2026, 9, 1);
const open: DuckDbWarehouse[] = [];
afterAll(async () => {
  for (const w of open) await w.close();
});

async function warehouseWith(customers: number): Promise<DuckDbWarehouse> {
  const wh = await DuckDbWarehouse.open(':memory:');
  open.push(wh);
  await wh.migrate();
  if (customers > 0) await wh.append('events', syntheticRoutingEvents({ seed: 11, customers, startMs: START, spanMs: 20 * DAY_MS, policy: 'least_loaded' }));
  return wh;
}

const trainer = (wh: DuckDbWarehouse, registry: Map<string, RoutingPolicy>) =>
  new PredictiveTrainer({ warehouse: wh, registry, clock: manualClock(START + 30 * DAY_MS), log: silentLogger(), intervalMs: 3_600_000, lookbackDays: 60 });

describe('PredictiveTrainer', () => {
  it('trains from the warehouse history and puts a working predictive policy into the live registry', async () => {
    const registry = new Map<string, RoutingPolicy>([['least_loaded', leastLoaded()]]);
    const r = await trainer(await warehouseWith(400), registry).trainOnce();
    expect(r).toMatchObject({ trained: true });
    expect(r.conversations).toBeGreaterThan(300);
    const policy = registry.get('predictive')!;
    expect(policy).toBeTypeOf('function');
    // A VIP pre-sale conversation (the planted signal's best case) goes to the best converter when all are free.
    const agents: Agent[] = ['agent-new', 'agent-avg', 'agent-star', 'agent-good'].map((id) => ({
      id,
      skills: {},
      groups: ['pre_sale'],
      capacity: { web: 3 },
      presence: 'online',
    }));
    const conv: Conversation = { id: 'c1', tag: 'VIP', channel: 'web', intent: 'pre_sale', priority: 0, enqueuedAt: START + 30 * DAY_MS };
    const decision = policy({ conversation: conv, candidates: agents.map((a) => candidateFor(a, 'web', 0)), rng: () => 0.5, state: {}, queue: 'pre_sale' });
    expect(decision.ranked[0]).toBe('agent-star');
  });

  it('leaves the registry alone while there is too little history', async () => {
    const registry = new Map<string, RoutingPolicy>();
    expect(await trainer(await warehouseWith(3), registry).trainOnce()).toMatchObject({ trained: false });
    expect(registry.has('predictive')).toBe(false);
  });
});
