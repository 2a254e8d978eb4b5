import { describe, expect, it } from 'vitest';
import { seededRng } from '../../../shared/random.js';
import type { Agent, Conversation } from '../model.js';
import { leastLoaded, roundRobin } from '../policies.js';
import { simulate, type SimConversation } from './simulator.js';
import { gini, percentile } from './stats.js';

const agent = (id: string, cap = 1, groups: string[] = []): Agent => ({ id, skills: {}, groups, capacity: { web: cap }, presence: 'online' });
const sim = (id: string, at: number, handleMs: number, o: Partial<Conversation> = {}, group = 'g'): SimConversation => ({
  conversation: { id, tag: 'normal', channel: 'web', intent: 'other', priority: 0, enqueuedAt: at, slaDueAt: at + 60, ...o },
  group,
  handleMs,
});

describe('stats', () => {
  it('Gini of known distributions', () => {
    expect(gini([5, 5, 5, 5])).toBe(0);
    expect(gini([0, 0, 0, 8])).toBeCloseTo(0.75, 12);
    expect(gini([1, 2, 3, 4])).toBeCloseTo(0.25, 12);
    expect(gini([3, 1])).toBeCloseTo(0.25, 12);
    expect(gini([])).toBe(0);
    expect(gini([0, 0])).toBe(0);
  });
  it('nearest-rank percentiles', () => {
    expect(percentile([0, 90, 180], 0.5)).toBe(90);
    expect(percentile([0, 90, 180], 0.9)).toBe(180);
    expect(percentile([5, 1, 4, 2, 3, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    expect(percentile([], 0.5)).toBeNaN();
  });
});

describe('replay simulator', () => {
  it('one agent of capacity 1: each conversation waits for the one before it (exact waits)', () => {
    const r = simulate({
      agents: [agent('a')],
      conversations: [sim('c1', 0, 100), sim('c2', 10, 100), sim('c3', 20, 100)],
      policyFor: () => leastLoaded(),
      rng: seededRng(1),
    });
    expect(r.assignments.map((a) => [a.id, a.assignedAt, a.waitMs, a.slaMissed])).toEqual([
      ['c1', 0, 0, false],
      ['c2', 100, 90, true],
      ['c3', 200, 180, true],
    ]);
    expect(r.handled).toEqual({ a: 3 });
    expect(r.unserved).toEqual([]);
  });

  it('a release and an arrival at the same instant: the release comes first, so the arrival waits 0', () => {
    const r = simulate({ agents: [agent('a')], conversations: [sim('c1', 0, 50), sim('c2', 50, 10)], policyFor: () => leastLoaded(), rng: seededRng(1) });
    expect(r.assignments.map((a) => a.waitMs)).toEqual([0, 0]);
  });

  it('queue order decides who is served when a slot frees: VIP before an earlier normal', () => {
    const convs = [sim('busy', 0, 100), sim('normal', 10, 5), sim('vip', 20, 5, { tag: 'VIP' })];
    const r = simulate({ agents: [agent('a')], conversations: convs, policyFor: () => leastLoaded(), rng: seededRng(1) });
    expect(r.assignments.map((a) => [a.id, a.assignedAt])).toEqual([
      ['busy', 0],
      ['vip', 100],
      ['normal', 105],
    ]);
  });

  it('two agents under round robin share the work; capacity is never exceeded; group members only', () => {
    const agents = [agent('a', 2, ['g']), agent('b', 2, ['g']), agent('outsider', 5, ['other'])];
    const convs = Array.from({ length: 6 }, (_, i) => sim(`c${i}`, i, 1000));
    const r = simulate({ agents, conversations: convs, policyFor: () => roundRobin, rng: seededRng(1) });
    expect(r.handled).toEqual({ a: 3, b: 3, outsider: 0 });
    // Four fit at once (2 + 2); c4 and c5 wait for the first releases at 1000 and 1001.
    expect(r.assignments.map((a) => a.waitMs)).toEqual([0, 0, 0, 0, 996, 996]);
  });

  it('a conversation on a channel nobody serves stays unserved; a policy ranking nobody makes it wait', () => {
    const r = simulate({
      agents: [agent('a')],
      conversations: [sim('sms', 0, 10, { channel: 'sms' }), sim('w', 0, 10)],
      policyFor: () => leastLoaded(),
      rng: seededRng(1),
    });
    expect(r.unserved).toEqual(['sms']);
    expect(r.assignments.map((a) => a.id)).toEqual(['w']);
    let calls = 0;
    const picky = simulate({
      agents: [agent('a'), agent('b')],
      conversations: [sim('c1', 0, 30), sim('c2', 5, 30)],
      // c2 insists on a (as a recorded assignment would): it waits until a is free at 30.
      policyFor: (s) => (ctx) => (calls++, { ranked: s.conversation.id === 'c2' ? ['a'] : ['a', 'b'], state: ctx.state }),
      rng: seededRng(1),
    });
    expect(picky.assignments.map((a) => [a.id, a.agentId, a.waitMs])).toEqual([
      ['c1', 'a', 0],
      ['c2', 'a', 25],
    ]);
    expect(calls).toBeGreaterThan(2);
  });

  it('is deterministic for a seed', () => {
    const convs = Array.from({ length: 40 }, (_, i) => sim(`c${i}`, i * 7, 50 + ((i * 37) % 90)));
    const agents = [agent('a', 2), agent('b', 2), agent('c', 1)];
    const run = () => simulate({ agents, conversations: convs, policyFor: () => leastLoaded(), rng: seededRng(9) });
    expect(run()).toEqual(run());
  });
});
