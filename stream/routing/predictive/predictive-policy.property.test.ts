import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRng } from '../../../shared/random.js';
import { candidateFor, type Agent, type Conversation } from '../model.js';
import { leastLoaded, type PolicyState } from '../policies.js';
import { fairnessCap, predictive, readWindow, type PredictiveOptions } from './predictive-policy.js';

const IDS = ['a1', 'a2', 'a3', 'a4', 'a5'];
const FACTORS: Record<string, number> = { a1: 2, a2: 1.5, a3: 1, a4: 0.8, a5: 0.5 };
const agent = (id: string): Agent => ({ id, skills: {}, groups: ['g'], capacity: { web: 4 }, presence: 'online' });
const conv = (id: string, p: number): Conversation & { p: number } => ({
  id,
  tag: 'normal',
  channel: 'web',
  intent: 'pre_sale',
  priority: 0,
  enqueuedAt: 0,
  p,
});

const stepArb = fc.record({
  p: fc.double({ min: 0, max: 1, noNaN: true }),
  present: fc.subarray(IDS, { minLength: 1 }),
  loads: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: IDS.length, maxLength: IDS.length }),
  seed: fc.nat(),
});
const optsArb = fc.record({
  threshold: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
  window: fc.integer({ min: 1, max: 12 }),
  fairnessShare: fc.double({ min: 1, max: 3, noNaN: true }),
  poolSize: fc.integer({ min: 1, max: IDS.length }),
});

describe('predictive policy', () => {
  it('never lets an agent take more than its cap of any `window` consecutive steered likely buyers', () => {
    fc.assert(
      fc.property(optsArb, fc.array(stepArb, { minLength: 1, maxLength: 80 }), (options: PredictiveOptions, steps) => {
        const policy = predictive({ probabilityOf: (c) => (c as Conversation & { p: number }).p, factorOf: (id) => FACTORS[id], options });
        const cap = fairnessCap(options);
        let state: PolicyState = {};
        const steered: string[] = []; // every steered decision's agent, from the outside
        steps.forEach((s, i) => {
          const cands = s.present.map((id) => candidateFor(agent(id), 'web', s.loads[IDS.indexOf(id)]));
          const before = readWindow(state, 'g');
          const d = policy({ conversation: conv(`c${i}`, s.p), candidates: cands, rng: seededRng(s.seed), state, queue: 'g' });
          // Only candidates are ranked, each once.
          expect(new Set(d.ranked).size).toBe(d.ranked.length);
          for (const id of d.ranked) expect(s.present).toContain(id);
          const after = readWindow(d.state, 'g');
          const recent = steered.slice(-options.window);
          const count = (id: string) => recent.filter((x) => x === id).length;
          const anyUnder = s.present.some((id) => count(id) < cap);
          if (s.p >= options.threshold && anyUnder) {
            // Steered: the best converter among agents under the cap comes first, and it is remembered.
            const best = s.present.filter((id) => count(id) < cap).sort((a, b) => FACTORS[b] - FACTORS[a])[0];
            expect(FACTORS[d.ranked[0]]).toBe(FACTORS[best]);
            expect(count(d.ranked[0])).toBeLessThan(cap);
            steered.push(d.ranked[0]);
            expect(after).toEqual(steered.slice(-options.window));
          } else {
            expect(after).toEqual(before);
          }
          state = d.state;
        });
        // The limit over every sliding window of steered decisions.
        for (let end = 1; end <= steered.length; end++) {
          const win = steered.slice(Math.max(0, end - options.window), end);
          for (const id of IDS) expect(win.filter((x) => x === id).length).toBeLessThanOrEqual(cap);
        }
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it('ranks low-probability conversations like least-loaded, and likely buyers by conversion record', () => {
    const cands = [candidateFor(agent('a1'), 'web', 3), candidateFor(agent('a3'), 'web', 0), candidateFor(agent('a5'), 'web', 1)];
    const options = { threshold: 0.5, window: 10, fairnessShare: 1.5, poolSize: 3 };
    const policy = predictive({ probabilityOf: (c) => (c as Conversation & { p: number }).p, factorOf: (id) => FACTORS[id], options });
    const low = policy({ conversation: conv('x', 0.1), candidates: cands, rng: seededRng(1), state: {}, queue: 'g' });
    expect(low.ranked).toEqual(leastLoaded()({ conversation: conv('x', 0.1), candidates: cands, rng: seededRng(1), state: {}, queue: 'g' }).ranked);
    const high = policy({ conversation: conv('y', 0.9), candidates: cands, rng: seededRng(1), state: {}, queue: 'g' });
    expect(high.ranked).toEqual(['a1', 'a3', 'a5']);
    expect(fairnessCap(options)).toBe(5);
    // After 5 steered buyers a1 is at its cap: the next one goes to a3.
    let state: PolicyState = {};
    for (let i = 0; i < 5; i++) state = policy({ conversation: conv(`h${i}`, 0.9), candidates: cands, rng: seededRng(1), state, queue: 'g' }).state;
    expect(readWindow(state, 'g')).toEqual(['a1', 'a1', 'a1', 'a1', 'a1']);
    expect(policy({ conversation: conv('h5', 0.9), candidates: cands, rng: seededRng(1), state, queue: 'g' }).ranked).toEqual(['a3', 'a5']);
  });
});

describe('defaultRegistry and predictive', () => {
  it('registers predictive only when a model is given, and it ranks likely buyers by record', async () => {
    const { defaultRegistry } = await import('../rules.js');
    const { trainConversionModel } = await import('./conversion-model.js');
    const { agentRecords } = await import('./history.js');
    expect(defaultRegistry().has('predictive')).toBe(false);
    const rows = Array.from({ length: 40 }, (_, i) => ({
      tag: i % 2 ? 'VIP' : 'normal',
      channel: 'web',
      intent: 'pre_sale',
      source: '',
      at: i * 3_600_000,
      priorConversations: 0,
      priorDeals: 0,
      converted: (i % 2) as 0 | 1,
    }));
    const records = agentRecords([
      { agent_id: 'a1', conversations: 50, deals: 30 },
      { agent_id: 'a3', conversations: 50, deals: 5 },
    ]);
    const reg = defaultRegistry([], { model: trainConversionModel(rows), records, options: { threshold: 0.5 } });
    const cands = [candidateFor(agent('a3'), 'web', 0), candidateFor(agent('a1'), 'web', 2)];
    const vip = { ...conv('v', 0), tag: 'VIP' as const };
    expect(reg.get('predictive')!({ conversation: vip, candidates: cands, rng: seededRng(1), state: {}, queue: 'g' }).ranked).toEqual(['a1', 'a3']);
    expect(reg.get('predictive')!({ conversation: conv('n', 0), candidates: cands, rng: seededRng(1), state: {}, queue: 'g' }).ranked[0]).toBe('a3');
  });
});
