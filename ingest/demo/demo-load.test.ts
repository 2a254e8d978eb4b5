import { describe, expect, it } from 'vitest';
import { manualClock } from '../../shared/clock.js';
import type { EventEnvelope } from '../../shared/envelope.js';
import { silentLogger } from '../../shared/logger.js';
import { seededRng } from '../../shared/random.js';
import { InProcessBus } from '../../stream/bus/in-process-bus.js';
import { gaugeRows } from '../../stream/routing/routing-views.js';
import { loadRoster } from '../../stream/routing/roster.js';
import { MemoryStateStore } from '../../stream/state/memory-state-store.js';
import { DemoAgents, rosterCapacity } from './demo-agents.js';
import { conversationRate, DEMO_LOAD_DEFAULTS, demoJourneyStats, targetLoad, type DemoLoadPlan } from './demo-load.js';
import { DemoSchedule } from './demo-traffic.js';
import { testRouting } from '../../test/support/routing.js';

const ROUTED = new Set(['conversation.started', 'message.received', 'conversation.closed']);

/**
 * `omnilane start --demo` in miniature, on a manual clock: the demo roster's desk and routing service, the
 * simulated agents, and the paced demo schedule, stepped a second at a time for `minutes`; the routing_gauges
 * rows are sampled every 10 s exactly as the board reads them.
 */
export async function simulate(minutes: number, seed: number) {
  const clock = manualClock(Date.parse('2026-11-24T01:00:00.000Z'));
  const state = new MemoryStateStore({ clock });
  const bus = new InProcessBus({ clock });
  await bus.ensureTopic('omnilane.events', 1);
  const roster = loadRoster(undefined);
  const { desk, service } = testRouting({ state, bus, clock, roster, seed, ttlMs: 0, defaultPresence: 'online' });
  const agents = new DemoAgents({ desk, clock, log: silentLogger() });
  const schedule = new DemoSchedule(seededRng(seed), 'sim', 20, clock.now(), agents.pacing());
  schedule.goLive(clock.now());
  const samples: Array<{ t: number; load: number; queued: number; agentLoads: number[] }> = [];
  for (let s = 1; s <= minutes * 60; s++) {
    clock.advance(1000);
    const now = clock.now();
    for (const { event: e } of schedule.take(now)) {
      if (!e.conversation_id || !ROUTED.has(e.type)) continue;
      const env = {
        ...e,
        producer: 'demo',
        occurred_at: Number(e.occurred_at),
        received_at: now,
        customer_key: e.customer.external_id,
        agent_id: e.agent_id ?? null,
      } as EventEnvelope;
      const group = await service.intake(env);
      if (group) await desk.dispatch(group);
    }
    await service.onTick();
    await agents.tick();
    if (s % 10 === 0) {
      const rows = await gaugeRows(desk, now);
      const ag = rows.filter((r) => r.kind === 'agent');
      const open = ag.reduce((n, r) => n + r.size, 0);
      const cap = ag.reduce((n, r) => n + r.capacity, 0);
      const queued = rows.filter((r) => r.kind === 'queue').reduce((n, r) => n + r.size, 0);
      samples.push({ t: now, load: open / cap, queued, agentLoads: ag.map((r) => r.size / r.capacity) });
    }
  }
  await state.close();
  return samples;
}

describe('demo load plan', () => {
  const plan: DemoLoadPlan = { capacity: 40, meanHoldMs: 100_000, ...DEMO_LOAD_DEFAULTS };

  it('aims at the roster capacity in waves between 55 % and 85 %', () => {
    const loads = Array.from({ length: 120 }, (_, i) => targetLoad(plan, (i * plan.periodMs) / 120));
    expect(Math.min(...loads)).toBeCloseTo(0.55, 2);
    expect(Math.max(...loads)).toBeCloseTo(0.85, 2);
    // Little's law: 70 % of 40 slots held 100 s each is 0.28 conversations a second
    expect(conversationRate(plan, 0) * 1000).toBeCloseTo(0.28, 6);
  });

  it('slows down above target or with a backlog, speeds up below, within bounds', () => {
    const open = conversationRate(plan, 0);
    expect(conversationRate(plan, 0, { load: 0.9, queued: 0 })).toBeLessThan(open);
    expect(conversationRate(plan, 0, { load: 0.7, queued: 30 })).toBeLessThan(open);
    expect(conversationRate(plan, 0, { load: 0.3, queued: 0 })).toBeGreaterThan(open);
    expect(conversationRate(plan, 0, { load: 5, queued: 500 })).toBeCloseTo(open * 0.25, 12);
    expect(conversationRate(plan, 0, { load: 0, queued: 0 })).toBeLessThanOrEqual(open * 2);
  });

  it('measures the demo script: conversations last minutes, browsing visitors send a few events', () => {
    const s = demoJourneyStats();
    expect(s.meanHoldMs).toBeGreaterThan(30_000);
    expect(s.meanHoldMs).toBeLessThan(600_000);
    expect(s.eventsPerConversation).toBeGreaterThan(s.eventsPerBrowse);
    expect(s.eventsPerBrowse).toBeGreaterThanOrEqual(1);
  });
});

describe('demo desk over 40 simulated minutes', () => {
  it('keeps agent load mostly within 50–90 % and lets queues drain instead of growing', async () => {
    const samples = await simulate(40, 42);
    const live = samples.filter((x) => x.t >= samples[0].t + 5 * 60_000); // after a 5-minute warm-up
    const inBand = live.filter((x) => x.load >= 0.5 && x.load <= 0.9).length / live.length;
    expect(inBand, `loads: ${live.map((x) => x.load.toFixed(2)).join(' ')}`).toBeGreaterThanOrEqual(0.75);
    // not solid red: most agent cells are below full load
    const cells = live.flatMap((x) => x.agentLoads);
    expect(cells.filter((l) => l >= 1).length / cells.length).toBeLessThan(0.5);
    // queues rise and drain: they fall back many times, end well below their peak, and stay a fraction of the roster
    const q = live.map((x) => x.queued);
    const drops = q.filter((v, i) => i > 0 && v < q[i - 1]).length;
    expect(drops, `queues: ${q.join(' ')}`).toBeGreaterThanOrEqual(10);
    expect(Math.max(...q)).toBeLessThan(rosterCapacityOfDemo());
    const half = Math.floor(q.length / 2);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(q.slice(half))).toBeLessThanOrEqual(mean(q.slice(0, half)) + 5);
  });
});

function rosterCapacityOfDemo(): number {
  return rosterCapacity({ roster: loadRoster(undefined) });
}
