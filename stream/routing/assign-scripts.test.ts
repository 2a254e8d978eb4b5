import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../shared/clock.js';
import { MemoryStateStore } from '../state/memory-state-store.js';
import { agentLoadKey, assignCall, assignConversationScript, assignmentKey, releaseCall, releaseConversationScript } from './assign-scripts.js';
import { AGENT_IDS, CHANNEL, capsArb, makeWorld, opArb, runOp, snapshot, violation, type Step } from './routing-fixtures.js';

const store = () => {
  const clock = manualClock(1_764_000_000_000);
  return { clock, st: new MemoryStateStore({ clock }) };
};
const assign = (st: MemoryStateStore, conv: string, ranked: Array<[string, number]>, ttl = 0) => {
  const c = assignCall(conv, CHANNEL, ranked.map(([agentId, capacity]) => ({ agentId, capacity })), ttl);
  return st.atomic(assignConversationScript, c.keys, c.args);
};
const release = (st: MemoryStateStore, conv: string, agent: string) => {
  const c = releaseCall(conv, agent, CHANNEL);
  return st.atomic(releaseConversationScript, c.keys, c.args);
};

describe('assignConversationScript / releaseConversationScript (embedded store)', () => {
  it('assigns the first ranked agent under capacity and counts the slot', async () => {
    const { st } = store();
    await st.set(agentLoadKey('a1', CHANNEL), '2');
    expect(await assign(st, 'c1', [['a1', 2], ['a2', 1], ['a3', 5]])).toEqual({ status: 'assigned', agentId: 'a2', load: 1 });
    expect(await assign(st, 'c2', [['a1', 2], ['a2', 1]])).toEqual({ status: 'no_capacity' });
    expect(await assign(st, 'c3', [])).toEqual({ status: 'no_capacity' });
    expect(await st.get(assignmentKey('c1'))).toBe('a2');
    expect(await st.get(assignmentKey('c2'))).toBeNull();
  });

  it('never assigns a conversation twice: a second call answers the existing agent and takes no slot', async () => {
    const { st } = store();
    await assign(st, 'c1', [['a1', 3]]);
    expect(await assign(st, 'c1', [['a2', 3]])).toEqual({ status: 'existing', agentId: 'a1' });
    expect(await st.getMany([agentLoadKey('a1', CHANNEL), agentLoadKey('a2', CHANNEL)])).toEqual(['1', null]);
  });

  it('release frees one slot, is idempotent, never goes below zero and refuses another agent', async () => {
    const { st } = store();
    await assign(st, 'c1', [['a1', 3]]);
    await assign(st, 'c2', [['a1', 3]]);
    expect(await release(st, 'c1', 'a2')).toEqual({ status: 'other_agent', agentId: 'a1' });
    expect(await release(st, 'c1', 'a1')).toEqual({ status: 'released', load: 1 });
    expect(await release(st, 'c1', 'a1')).toEqual({ status: 'not_assigned' });
    await st.set(agentLoadKey('a1', CHANNEL), '0'); // a load reset by hand must not go negative
    expect(await release(st, 'c2', 'a1')).toEqual({ status: 'released', load: 0 });
    expect(await st.get(agentLoadKey('a1', CHANNEL))).toBe('0');
  });

  it('keeps the assignment for the ttl, none without one', async () => {
    const { st, clock } = store();
    await assign(st, 'c1', [['a1', 3]], 1000);
    await assign(st, 'c2', [['a1', 3]]);
    expect(await st.pttl(assignmentKey('c1'))).toBe(1000);
    expect(await st.pttl(assignmentKey('c2'))).toBe(-1);
    clock.advance(1000);
    expect(await st.get(assignmentKey('c1'))).toBeNull();
  });

  it('rejects a capacity that is not a whole number', () => {
    expect(() => assignCall('c1', CHANNEL, [{ agentId: 'a1', capacity: 1.5 }])).toThrow(RangeError);
  });

  it('matches a reference model on every random sequence of assigns, releases and presence changes', async () => {
    await fc.assert(
      fc.asyncProperty(capsArb, fc.array(opArb, { minLength: 1, maxLength: 60 }), async (caps, ops) => {
        const { st } = store();
        const w = makeWorld(caps);
        const held = new Map<string, string>();
        const load = new Map<string, number>(AGENT_IDS.map((a) => [a, 0]));
        const steps: Step[] = [];
        for (const o of ops) {
          const s = await runOp(st, w, o);
          steps.push(s);
          if (o.op === 'assign') {
            const prev = held.get(o.conv);
            const online = [...w.agents.values()].filter((a) => a.presence === 'online').map((a) => a.id);
            expect(new Set(s.ranked!.map((r) => r.agentId))).toEqual(new Set(online));
            const first = s.ranked!.find((r) => load.get(r.agentId)! < r.capacity);
            if (prev) expect(s.out).toEqual({ status: 'existing', agentId: prev });
            else if (!first) expect(s.out).toEqual({ status: 'no_capacity' });
            else {
              load.set(first.agentId, load.get(first.agentId)! + 1);
              held.set(o.conv, first.agentId);
              expect(s.out).toEqual({ status: 'assigned', agentId: first.agentId, load: load.get(first.agentId) });
            }
          } else if (o.op === 'release' || o.op === 'staleRelease') {
            const prev = held.get(o.conv);
            const agent = o.op === 'release' ? prev : o.agent;
            if (!prev) expect(s.out.status).toMatch(/^(skipped|not_assigned)$/);
            else if (agent !== prev) expect(s.out).toEqual({ status: 'other_agent', agentId: prev });
            else {
              load.set(prev, load.get(prev)! - 1);
              held.delete(o.conv);
              expect(s.out).toEqual({ status: 'released', load: load.get(prev) });
            }
          }
          const snap = await snapshot(st);
          expect(snap.load).toEqual(Object.fromEntries(load));
          expect(violation(w, snap, steps)).toBeNull();
        }
        await st.close();
      }),
      { numRuns: 200 },
    );
  });

  it('keeps the guarantees when workers interleave between reading loads and assigning', async () => {
    let contended = 0;
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), capsArb, fc.array(fc.array(opArb, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 6 }), async (s, caps, batches) => {
        const { st } = store();
        const w = makeWorld(caps);
        const steps: Step[] = [];
        for (const batch of batches) {
          const all = Promise.all(batch.map((o) => runOp(st, w, o, () => s.schedule(Promise.resolve()))));
          await s.waitIdle();
          const done = await all;
          steps.push(...done);
          if (done.filter((x) => x.out.status === 'assigned').length > 1) contended++;
          const v = violation(w, await snapshot(st), steps);
          if (v) throw new Error(`${v}\n${s.report()}`);
        }
        await st.close();
      }),
      { numRuns: 200 },
    );
    // The property is only meaningful if batches really raced for slots.
    expect(contended).toBeGreaterThan(20);
  });
});
