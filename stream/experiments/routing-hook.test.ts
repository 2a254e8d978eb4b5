import { describe, expect, it } from 'vitest';
import { manualClock } from '../../shared/clock.js';
import type { RoutingPolicy } from '../routing/policies.js';
import { defaultRegistry } from '../routing/rules.js';
import { deskWorld, SMALL_ROSTER } from '../routing/test/desk-world.js';
import { MemoryStateStore } from '../state/memory-state-store.js';

/** A policy that ranks the last eligible candidate first: easy to tell from least_loaded (which picks a1). */
const pinLast: RoutingPolicy = (ctx) => ({
  ranked: ctx.candidates
    .filter((c) => c.agent.presence === 'online' && c.open < c.capacity)
    .map((c) => c.agent.id)
    .reverse(),
  state: ctx.state,
});

describe('the routing_policy experiment hook in the routing desk', () => {
  it("ranks a customer in the experiment by the variant's policy, others by the queue's, and survives a failing hook", async () => {
    const registry = new Map(defaultRegistry(SMALL_ROSTER.rules));
    registry.set('pin_last', pinLast);
    const calls: Array<[string, string, string | null | undefined]> = [];
    let fail = false;
    const experiments = {
      async variantFor(_target: 'routing_policy', customerKey: string, ctx: { channel: string; conversation_id?: string | null }) {
        calls.push([customerKey, ctx.channel, ctx.conversation_id]);
        if (fail) throw new Error('warehouse down');
        return customerKey === 'k-c1' ? { config: { policy: 'pin_last' } } : customerKey === 'k-c2' ? { config: { policy: 'no_such_policy' } } : null;
      },
    };
    const w = await deskWorld([new MemoryStateStore({ clock: manualClock(0) })], { registry, experiments });
    const { desk } = w.workers[0];
    for (const c of [1, 2, 3]) {
      await w.run({ k: 'start', c, buy: true }, 0);
      await desk.dispatch('g1');
    }
    expect((await desk.store.conv('c1'))?.agent).toBe('a2'); // pin_last: a2 before a1
    expect((await desk.store.conv('c2'))?.agent).toBe('a1'); // an unknown policy falls back to least_loaded
    expect(calls.map((c) => c[0])).toEqual(expect.arrayContaining(['k-c1', 'k-c2']));
    expect(calls.find((c) => c[0] === 'k-c1')).toEqual(['k-c1', 'web', 'c1']);
    expect((await desk.store.conv('c3'))?.agent).toBe('a2'); // not in the experiment: least_loaded
    await desk.accept('a1', 'c2');
    await desk.close('a1', 'c2', 'resolved');
    fail = true;
    await w.run({ k: 'start', c: 4, buy: true }, 0);
    await desk.dispatch('g1');
    // The hook threw: routing went on with the queue's policy (a1 has the only free slot).
    expect((await desk.store.conv('c4'))?.agent).toBe('a1');
    await w.bus.close();
  });
});
