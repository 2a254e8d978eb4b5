import { describe, expect, it } from 'vitest';
import { asQueryResults, syntheticRoutingEvents } from '../predictive/synthetic-history.js';
import { formatReplayTable, replayJson } from './report.js';
import { runReplay, type ReplayOptions } from './replay.js';
import { parseReplayRoster } from './roster.js';

const START = Date.parse('2026-01-01T00:00:00Z');
const DAY = 86_400_000;
const history = asQueryResults(syntheticRoutingEvents({ seed: 21, customers: 1500, startMs: START, spanMs: 40 * DAY, policy: 'least_loaded' }));
const opts = (o: Partial<ReplayOptions> = {}): ReplayOptions => ({
  policy: 'predictive',
  fromMs: START + 30 * DAY,
  toMs: START + 40 * DAY,
  roster: null,
  seed: 1,
  dealWindowDays: 7,
  ...o,
});

describe('runReplay', () => {
  it('replays the window under the named and the recorded policy, reproducibly', () => {
    const a = runReplay(history, opts());
    const b = runReplay(history, opts());
    if (!a.ok || !b.ok) throw new Error('replay failed');
    expect(replayJson(a.report)).toBe(replayJson(b.report));
    const [base, trial] = a.report.runs;
    expect(base.label).toBe('least_loaded');
    expect(trial.policy).toBe('predictive');
    expect(a.report.model.in_sample).toBe(false);
    expect(base.served + base.unserved).toBe(a.report.conversations);
    expect(trial.served).toBe(a.report.conversations);
    expect(Object.keys(trial.handled).sort()).toEqual(['agent-avg', 'agent-good', 'agent-new', 'agent-star']);
    // Likely buyers go to the better converters: more expected conversions than the recorded least-loaded run.
    expect(trial.expected_conversions).toBeGreaterThan(base.expected_conversions);
    expect(a.report.model.evaluation!.auc).toBeGreaterThan(0.65);
    const table = formatReplayTable(a.report);
    expect(table).toContain('recorded (least_loaded)');
    expect(table).toMatch(/expected conversions\s+\d+\.\d\d\s+\d+\.\d\d/);
    // The experiment outcome metrics side by side: deal rate is expected conversions per conversation, first
    // response the simulated wait; what the replay cannot model says so.
    expect(trial.outcomes.deal_rate).toBeCloseTo(trial.expected_conversions / a.report.conversations, 6);
    expect(trial.outcomes.deal_value).toBeGreaterThan(base.outcomes.deal_value);
    expect(trial.outcomes.first_response_p50_ms).toBe(trial.wait_p50_ms);
    expect(table).toMatch(/deal rate \(expected\)\s+\d+\.\d\d %\s+\d+\.\d\d %\s+\+\d+\.\d\d pp/);
    expect(table).toMatch(/CSAT\s+not simulated\s+not simulated/);
  });

  it('round robin spreads load more evenly than predictive (a lower Gini)', () => {
    const rr = runReplay(history, opts({ policy: 'round_robin' }));
    const pr = runReplay(history, opts());
    if (!rr.ok || !pr.ok) throw new Error('replay failed');
    expect(rr.report.runs[1].gini).toBeLessThanOrEqual(pr.report.runs[1].gini);
  });

  it('names unknown policies and empty windows', () => {
    const u = runReplay(history, opts({ policy: 'fastest' }));
    expect(u).toMatchObject({ ok: false, code: 'REPLAY_ERR_UNKNOWN_POLICY' });
    expect(!u.ok && u.message).toContain('predictive');
    expect(runReplay(history, opts({ fromMs: START + 400 * DAY, toMs: START + 401 * DAY }))).toMatchObject({ ok: false, code: 'REPLAY_ERR_NO_DATA' });
  });

  it('uses a roster file: its agents and capacity, "*" on every channel; bad fields are named', () => {
    const roster = parseReplayRoster(
      {
        agents: [
          { id: 'agent-star', capacity: { '*': 1 } },
          { id: 'solo', capacity: { web: 2 } },
        ],
        slaMs: 1000,
      },
      ['web', 'wechat'],
    );
    if (typeof roster === 'string') throw new Error(roster);
    expect(roster.agents[0].capacity).toEqual({ web: 1, wechat: 1 });
    const r = runReplay(history, opts({ roster, policy: 'least_loaded' }));
    if (!r.ok) throw new Error(r.message);
    expect(r.report.roster).toBe('file');
    expect(Object.keys(r.report.runs[1].handled).sort()).toEqual(['agent-star', 'solo']);
    expect(parseReplayRoster({ agents: [{ id: 'x', capacity: { web: -1 } }] }, [])).toBe('agents[0].capacity.web must be an integer ≥ 0');
    expect(parseReplayRoster({ agents: [{ id: 'x', capacity: { web: 1 } }], queues: [{ group: '' }] }, [])).toBe('queues[0].group must be a non-empty string');
  });
});
