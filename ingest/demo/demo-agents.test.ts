import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../shared/logger.js';
import { MemoryStateStore } from '../../stream/state/memory-state-store.js';
import { deskWorld } from '../../stream/routing/test/desk-world.js';
import { consoleAgents, DemoAgents } from './demo-agents.js';

describe('demo agents', () => {
  it('accept their offers after a human-like pause, but never the console agents a person drives', async () => {
    const state = new MemoryStateStore({ clock: { now: () => Date.now() } });
    const world = await deskWorld([state]);
    const { desk } = world.workers[0];
    expect(consoleAgents(desk.roster.agents).map((a) => a.id)).toEqual(['a3', 'a1']);
    const demo = new DemoAgents({ desk, clock: world.clock, log: silentLogger() });

    await desk.setPresence('a1', 'offline');
    await world.run({ k: 'start', c: 1, buy: true }, 0); // → g1, only a2 online there
    await desk.dispatch('g1');
    expect((await desk.store.conv('c1'))?.status).toBe('offered');
    expect(await demo.tick()).toBe(0); // too soon: nobody reads that fast
    world.clock.advance(4500);
    expect(await demo.tick()).toBe(1);
    expect(await desk.store.conv('c1')).toMatchObject({ status: 'active', agent: 'a2' });

    await desk.setPresence('a2', 'offline');
    await world.run({ k: 'start', c: 2, buy: false }, 0); // → g2, only a3 (a console manager) online there
    await desk.dispatch('g2');
    expect(await desk.store.conv('c2')).toMatchObject({ status: 'offered', agent: 'a3' });
    world.clock.advance(4500);
    expect(await demo.tick()).toBe(0);
    expect((await desk.store.conv('c2'))?.status).toBe('offered');
    await state.close();
  });
});
