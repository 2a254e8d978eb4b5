import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../shared/clock.js';
import { loadConfig } from '../../shared/config.js';
import { MemoryStateStore } from '../state/memory-state-store.js';
import { loadRoster, parseRoster } from './roster.js';
import { breachPredicted, predictedStart, ratePerMinute } from './sla-prediction.js';

describe('roster file', () => {
  it('loads the demo roster: zh/en names, five groups, two teams, managers', () => {
    const r = loadRoster(undefined);
    expect(r.agents.length).toBeGreaterThanOrEqual(8);
    expect(r.queues.map((q) => q.group).sort()).toEqual(['after_sale', 'complaints', 'pre_sale', 'senior_sales', 'tech_support']);
    expect(new Set(r.agents.map((a) => a.team))).toEqual(new Set(['team_east', 'team_north']));
    expect(r.agents.filter((a) => a.role === 'manager').length).toBeGreaterThanOrEqual(1);
    expect(r.agents.find((a) => a.id === 'ag_wang')?.name).toBe('王芳 Wang Fang');
    expect(r.rules[0]).toMatchObject({ name: 'vip-presale', then: { group: 'senior_sales' } });
    expect(r.intentGroups).toEqual({
      price_inquiry: 'pre_sale',
      feature_comparison: 'pre_sale',
      purchase: 'pre_sale',
      human_agent: 'pre_sale',
      other: 'pre_sale',
      after_sale: 'after_sale',
      logistics: 'after_sale',
      tech_support: 'tech_support',
      complaint: 'complaints',
    });
  });

  it('maps the intents, and still reads a roster written for the five old labels', () => {
    const base = {
      agents: [{ id: 'a', name: 'A', role: 'agent', team: 't', groups: ['g', 'h'], capacity: { '*': 1 } }],
      queues: [
        { group: 'g', policy: 'least_loaded' },
        { group: 'h', policy: 'least_loaded' },
      ],
    };
    const old = parseRoster({ ...base, intentGroups: { pre_sale: 'g', after_sale: 'h', purchase: 'h' } });
    expect(typeof old === 'object' && old.intentGroups).toEqual({ price_inquiry: 'g', feature_comparison: 'g', purchase: 'h', after_sale: 'h' });
    expect(parseRoster({ ...base, intentGroups: { shipping: 'g' } })).toMatch(/intentGroups\.shipping is not an intent \(price_inquiry/);
    expect(parseRoster({ ...base, intentGroups: { logistics: 'nowhere' } })).toMatch(/intentGroups\.logistics must name a group/);
  });

  it('names the bad field', () => {
    const base = {
      agents: [{ id: 'a', name: 'A', role: 'agent', team: 't', groups: ['g'], capacity: { '*': 1 } }],
      queues: [{ group: 'g', policy: 'least_loaded' }],
    };
    expect(typeof parseRoster(base)).toBe('object');
    expect(parseRoster({ ...base, queues: [{ group: 'g', policy: 'coin' }] })).toMatch(/^queues\[0\]\.policy/);
    expect(parseRoster({ ...base, agents: [{ ...base.agents[0], capacity: { web: -1 } }] })).toMatch(/^agents\[0\]\.capacity\.web/);
    expect(parseRoster({ ...base, agents: [{ ...base.agents[0], role: 'boss' }] })).toMatch(/^agents\[0\]\.role/);
    expect(parseRoster({ ...base, agents: [{ ...base.agents[0], workingHours: { timeZone: 'Mars/Base', days: [1], start: '09:00', end: '18:00' } }] })).toMatch(
      /timeZone/,
    );
    expect(parseRoster({ ...base, rules: [{ name: 'r', when: { tags: ['VIP'] }, then: { group: 'nowhere' } }] })).toMatch(/nowhere/);
    expect(parseRoster({ ...base, acceptTimeoutMs: 0 })).toMatch(/^acceptTimeoutMs/);
    const dir = mkdtempSync(join(tmpdir(), 'roster-'));
    writeFileSync(join(dir, 'r.json'), '{"agents": [');
    expect(() => loadRoster(join(dir, 'r.json'))).toThrow(/ROUTING_CONFIG/);
    writeFileSync(join(dir, 'r.json'), JSON.stringify({ ...base, slaMs: -5 }));
    expect(() => loadRoster(join(dir, 'r.json'))).toThrow(expect.objectContaining({ code: 'CFG_ERR_INVALID', message: expect.stringContaining('slaMs') }));
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('routing config variables', () => {
  it('validates ROUTING_ACCEPT_TIMEOUT_MS and ROUTING_ENABLED by name, and resolves ROUTING_CONFIG', () => {
    expect(loadConfig({ ROUTING_ACCEPT_TIMEOUT_MS: '30000' })).toMatchObject({ routing: { acceptTimeoutMs: 30000, enabled: true, config: undefined } });
    expect(() => loadConfig({ ROUTING_ACCEPT_TIMEOUT_MS: 'soon' })).toThrow(/ROUTING_ACCEPT_TIMEOUT_MS/);
    expect(() => loadConfig({ ROUTING_ACCEPT_TIMEOUT_MS: '10' })).toThrow(/ROUTING_ACCEPT_TIMEOUT_MS/);
    expect(() => loadConfig({ ROUTING_ENABLED: 'maybe' })).toThrow(/ROUTING_ENABLED/);
    expect(loadConfig({ ROUTING_CONFIG: 'r.json' }).routing.config).toMatch(/\/r\.json$/);
  });
});

describe('SLA breach prediction', () => {
  const w = { now: 1000, freeSlots: 2, ratePerMin: 6 };
  it('starts at once within the free slots, then one service interval per place', () => {
    expect(predictedStart(0, w)).toBe(1000);
    expect(predictedStart(1, w)).toBe(1000);
    expect(predictedStart(2, w)).toBe(1000 + 10_000);
    expect(predictedStart(4, w)).toBe(1000 + 30_000);
    expect(predictedStart(0, { now: 0, freeSlots: 0, ratePerMin: 0 })).toBe(Infinity);
  });
  it('flags a breach only when the predicted start is after the due time', () => {
    expect(breachPredicted(4, 1000 + 30_000, w)).toBe(false);
    expect(breachPredicted(4, 1000 + 29_999, w)).toBe(true);
    expect(breachPredicted(9, null, w)).toBe(false);
    expect(ratePerMinute([1, 2, 3, 0, 4], 10)).toBe(1);
  });
});

describe('embedded store hdel', () => {
  it('is journaled: reopened, the field stays deleted and an emptied hash is gone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hdel-'));
    const path = join(dir, 'j');
    const clock = manualClock(0);
    const s1 = new MemoryStateStore({ clock, journalPath: path });
    return (async () => {
      await s1.hset('h', { a: '1', b: '2' });
      await s1.hset('e', { x: '1' });
      const removed = await s1.atomic(
        { name: 'hd', lua: '', decode: (r) => r as boolean[], local: (tx) => [tx.hdel('h', 'a'), tx.hdel('h', 'zz'), tx.hdel('e', 'x')] },
        [],
        [],
      );
      expect(removed).toEqual([true, false, true]);
      await s1.close();
      const s2 = new MemoryStateStore({ clock, journalPath: path });
      expect(await s2.hgetall('h')).toEqual({ b: '2' });
      expect(await s2.hgetall('e')).toEqual({});
      expect(await s2.pttl('e')).toBe(-2);
      await s2.close();
      rmSync(dir, { recursive: true, force: true });
    })();
  });
});
