import { describe, expect, it } from 'vitest';
import { seededRng } from '../../shared/random.js';
import { candidateFor, type Agent, type Candidate, type Conversation } from './model.js';
import { leastLoaded, leastLoadedScore, roundRobin, route, skillMatch, sticky, type PolicyContext } from './policies.js';
import { defaultRegistry, matchRule, parseRules, type RoutingRule } from './rules.js';

const conv = (o: Partial<Conversation> = {}): Conversation => ({ id: 'c1', tag: 'normal', channel: 'web', intent: 'other', priority: 0, enqueuedAt: 0, ...o });
const agent = (id: string, o: Partial<Agent> = {}): Agent => ({ id, skills: {}, groups: ['sales'], capacity: { web: 4 }, presence: 'online', ...o });
const ctx = (candidates: Candidate[], o: Partial<PolicyContext> = {}): PolicyContext => ({
  conversation: conv(),
  candidates,
  rng: seededRng(7),
  state: {},
  queue: 'q',
  ...o,
});

describe('routing policies', () => {
  it('least-loaded prefers lower load, then faster responders; unknown response counts as middling', () => {
    const cands = [
      candidateFor(agent('busy'), 'web', 3, 5_000),
      candidateFor(agent('slow'), 'web', 1, 120_000),
      candidateFor(agent('fast'), 'web', 1, 5_000),
      candidateFor(agent('new'), 'web', 1, null),
    ];
    expect(leastLoaded()(ctx(cands)).ranked).toEqual(['fast', 'new', 'slow', 'busy']);
    // Load dominates by default, but weights can make response time decide.
    expect(leastLoaded({ load: 0, response: 1, refMs: 30_000 })(ctx(cands)).ranked.slice(0, 2).sort()).toEqual(['busy', 'fast']);
    expect(leastLoadedScore(cands[3])).toBeCloseTo(0.25 + 0.25);
  });

  it('least-loaded breaks exact ties with the injected rng, reproducibly', () => {
    const cands = ['a', 'b', 'c', 'd'].map((id) => candidateFor(agent(id), 'web', 0));
    const orders = new Set([1, 2, 3, 4, 5, 6].map((seed) => leastLoaded()(ctx(cands, { rng: seededRng(seed) })).ranked.join()));
    expect(orders.size).toBeGreaterThan(1);
    expect(leastLoaded()(ctx(cands, { rng: seededRng(3) })).ranked).toEqual(leastLoaded()(ctx(cands, { rng: seededRng(3) })).ranked);
  });

  it('skill match keeps agents at the minimum level, higher level first, then lower load', () => {
    const cands = [
      candidateFor(agent('none'), 'web', 0),
      candidateFor(agent('l1', { skills: { tech: 1 } }), 'web', 0),
      candidateFor(agent('l2-busy', { skills: { tech: 2 } }), 'web', 3),
      candidateFor(agent('l2', { skills: { tech: 2 } }), 'web', 1),
      candidateFor(agent('l3', { skills: { tech: 3 } }), 'web', 3),
    ];
    const c = conv({ requiredSkill: { name: 'tech', minLevel: 2 } });
    expect(skillMatch(ctx(cands, { conversation: c })).ranked).toEqual(['l3', 'l2', 'l2-busy']);
    expect(skillMatch(ctx(cands)).ranked).toHaveLength(5);
  });

  it('round robin rotates through agents by id, carrying its cursor in the state per queue', () => {
    const cands = ['b', 'a', 'c'].map((id) => candidateFor(agent(id), 'web', 0));
    let state = {};
    const firsts: string[] = [];
    for (let i = 0; i < 4; i++) {
      const d = roundRobin(ctx(cands, { state }));
      firsts.push(d.ranked[0]);
      state = d.state;
    }
    expect(firsts).toEqual(['a', 'b', 'c', 'a']);
    expect(roundRobin(ctx(cands, { state })).ranked).toEqual(['b', 'c', 'a']);
    // The cursor survives the named agent leaving, and other queues keep their own.
    expect(
      roundRobin(
        ctx(
          cands.filter((c) => c.agent.id !== 'b'),
          { state: { 'rr:q': 'b' } },
        ),
      ).ranked,
    ).toEqual(['c', 'a']);
    expect(roundRobin(ctx(cands, { state, queue: 'other' })).ranked[0]).toBe('a');
    expect(roundRobin(ctx([])).ranked).toEqual([]);
  });

  it('sticky puts the previous agent first only while they are a candidate', () => {
    const cands = [candidateFor(agent('a'), 'web', 0), candidateFor(agent('b'), 'web', 3)];
    const p = sticky(leastLoaded());
    expect(p(ctx(cands, { conversation: conv({ previousAgentId: 'b' }) })).ranked).toEqual(['b', 'a']);
    expect(p(ctx(cands, { conversation: conv({ previousAgentId: 'gone' }) })).ranked).toEqual(['a', 'b']);
    expect(p(ctx(cands)).ranked).toEqual(['a', 'b']);
  });
});

describe('rules and the registry', () => {
  const seedRule = {
    name: 'vip-presale',
    when: { tags: ['VIP', 'high_value'], intents: ['price_inquiry', 'feature_comparison', 'purchase'] },
    then: { group: 'senior_sales' },
  };
  const cands = [
    candidateFor(agent('junior', { skills: { sales: 1 } }), 'web', 0),
    candidateFor(agent('senior', { groups: ['sales', 'senior_sales'], skills: { sales: 3 } }), 'web', 3),
  ];

  it('validates the rules schema with a message naming the rule', () => {
    expect(parseRules([seedRule])).toEqual([seedRule]);
    expect(parseRules({})).toBe('rules must be an array');
    expect(parseRules([{ ...seedRule, when: { tags: ['gold'] } }])).toMatch(/vip-presale.*tags are/);
    expect(parseRules([{ ...seedRule, when: { colour: ['red'] } }])).toMatch(/unknown condition "colour"/);
    expect(parseRules([{ ...seedRule, then: {} }])).toMatch(/names no group/);
    expect(parseRules([{ ...seedRule, then: { skill: { name: 'x', minLevel: 'high' } } }])).toMatch(/skill/);
    expect(parseRules([{ when: {}, then: {} }])).toBe('rule 0: needs a name');
  });

  it('sends VIP or high_value pre-sale conversations to the senior sales group, as plain config', () => {
    const rules = parseRules([seedRule]) as RoutingRule[];
    const reg = defaultRegistry(rules);
    const rank = (c: Conversation) => route(reg, { q: 'rules' }, ctx(cands, { conversation: c }), 0);
    expect(rank(conv({ tag: 'VIP', intent: 'price_inquiry' }))).toMatchObject({ ok: true, ranked: ['senior'] });
    expect(rank(conv({ tag: 'VIP', intent: 'feature_comparison' }))).toMatchObject({ ok: true, ranked: ['senior'] });
    expect(rank(conv({ tag: 'high_value', intent: 'purchase' }))).toMatchObject({ ok: true, ranked: ['senior'] });
    expect(rank(conv({ tag: 'normal', intent: 'purchase' }))).toMatchObject({ ok: true, ranked: ['junior', 'senior'] });
    expect(rank(conv({ tag: 'VIP', intent: 'complaint' }))).toMatchObject({ ok: true, ranked: ['junior', 'senior'] });
    expect(rank(conv({ tag: 'VIP', intent: 'logistics' }))).toMatchObject({ ok: true, ranked: ['junior', 'senior'] });
    expect(matchRule(rules, conv({ tag: 'VIP', intent: 'purchase', channel: 'sms' }))?.name).toBe('vip-presale');
  });

  it('reads a rule written for the old pre_sale label as the three pre-sale intents', () => {
    const old = { name: 'vip-presale', when: { tags: ['VIP'], intents: ['pre_sale'] }, then: { group: 'senior_sales' } };
    const rules = parseRules([old]) as RoutingRule[];
    expect(rules[0].when.intents).toEqual(['pre_sale', 'price_inquiry', 'feature_comparison', 'purchase']);
    expect(old.when.intents).toEqual(['pre_sale']); // the input is not changed
    for (const intent of ['price_inquiry', 'feature_comparison', 'purchase', 'pre_sale'])
      expect(matchRule(rules, conv({ tag: 'VIP', intent }))?.name).toBe('vip-presale');
    expect(matchRule(rules, conv({ tag: 'VIP', intent: 'after_sale' }))).toBeUndefined();
  });

  it('a rule can require a skill and name the policy that ranks', () => {
    const rules = parseRules([
      { name: 'hot', when: { minPriority: 50 }, then: { skill: { name: 'sales', minLevel: 2 }, policy: 'round_robin' } },
    ]) as RoutingRule[];
    const d = defaultRegistry(rules).get('rules')!(ctx(cands, { conversation: conv({ priority: 60 }) }));
    expect(d).toEqual({ ranked: ['senior'], state: { 'rr:q': 'senior' } });
  });

  it('reads the queue policy on every decision, so changing it takes effect at once', () => {
    const reg = defaultRegistry();
    const queues: Record<string, string> = { q: 'sticky' };
    const c = ctx(cands, { conversation: conv({ previousAgentId: 'senior' }) });
    expect(route(reg, queues, c, 0)).toMatchObject({ ranked: ['senior', 'junior'] });
    queues.q = 'least_loaded';
    expect(route(reg, queues, c, 0)).toMatchObject({ ranked: ['junior', 'senior'] });
    queues.q = 'predictive';
    expect(route(reg, queues, c, 0)).toEqual({ ok: false, reason: 'unknown_policy', policy: 'predictive' });
  });

  it('route ranks only eligible agents, whatever the policy', () => {
    const full = [...cands, candidateFor(agent('full'), 'web', 4), candidateFor(agent('away', { presence: 'away' }), 'web', 0)];
    for (const name of ['skill_match', 'least_loaded', 'round_robin', 'sticky', 'rules']) {
      const r = route(defaultRegistry(), { q: name }, ctx(full, { conversation: conv({ previousAgentId: 'full' }) }), 0);
      expect(r.ok && [...r.ranked].sort()).toEqual(['junior', 'senior']);
    }
  });
});
