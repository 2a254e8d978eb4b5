import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../shared/paths.js';
import { asQueryResults, syntheticRoutingEvents } from '../stream/routing/predictive/synthetic-history.js';
import { DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.js';
import { runReplayCommand } from './replay-command.js';

const START = Date.parse('2026-02-01T00:00:00Z');
const DAY = 86_400_000;
// Dense traffic: 400 customers in 10 days, 4 agents, so conversations queue and the policies differ.
const rows = syntheticRoutingEvents({ seed: 7, customers: 400, startMs: START, spanMs: 10 * DAY, policy: 'round_robin' });
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'omnilane-replay-'));
  const wh = await DuckDbWarehouse.open(join(dataDir, 'warehouse', 'omnilane.duckdb'));
  try {
    await wh.migrate();
    await wh.append(
      'events',
      rows.map((r) => ({ ...r })),
    );
  } finally {
    await wh.close();
  }
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const cli = (...args: string[]) =>
  spawnSync(process.execPath, [join(projectRoot(), 'bin', 'omnilane.js'), 'replay', ...args], {
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', ROUTING_CONFIG: '' },
    encoding: 'utf8',
    timeout: 60_000,
  });

describe('omnilane replay (DuckDB under DATA_DIR)', () => {
  const from = new Date(START + 6 * DAY).toISOString();
  const to = new Date(START + 8 * DAY).toISOString();

  it('replays the window under the named and the recorded policy, the same numbers every run', () => {
    const a = cli('--policy', 'predictive', '--from', from, '--to', to, '--json', '--roster', writeRoster());
    expect(a.stderr).toBe('');
    expect(a.status).toBe(0);
    const b = cli('--policy', 'predictive', '--from', from, '--to', to, '--json', '--roster', writeRoster());
    expect(b.stdout).toBe(a.stdout);
    const report = JSON.parse(a.stdout) as {
      conversations: number;
      roster: string;
      runs: Array<{
        policy: string;
        label: string;
        served: number;
        unserved: number;
        sla_misses: number;
        wait_p90_ms: number;
        handled: Record<string, number>;
        expected_conversions: number;
      }>;
    };
    // The warehouse holds exactly the conversations the generator started in the window.
    const expected = new Set(
      rows
        .filter((r) => r.type === 'conversation.started' && r.occurred_at >= START + 6 * DAY && r.occurred_at < START + 8 * DAY)
        .map((r) => r.conversation_id),
    );
    expect(report.conversations).toBe(expected.size);
    expect(report.roster).toBe('file');
    const [base, trial] = report.runs;
    expect(base.label).toBe('round_robin');
    expect(trial.policy).toBe('predictive');
    for (const run of report.runs) {
      expect(run.served + run.unserved).toBe(expected.size);
      expect(Object.values(run.handled).reduce((s, n) => s + n, 0)).toBe(run.served);
    }
    expect(trial.expected_conversions).toBeGreaterThan(base.expected_conversions);
  });

  it('prints a side-by-side table without --json, roster from the data', () => {
    const r = cli('--policy', 'least_loaded', '--from', from, '--to', to);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('roster from the data');
    expect(r.stdout).toMatch(/recorded \(round_robin\)\s+least_loaded/);
    for (const row of ['wait p50', 'wait p90', 'SLA misses', 'load Gini', 'expected conversions']) expect(r.stdout).toContain(row);
  });

  it('exits 2 with a coded message for a bad policy, a bad time and a bad roster', () => {
    const u = cli('--policy', 'fastest', '--from', from, '--to', to);
    expect(u.status).toBe(2);
    expect(u.stderr).toMatch(/^REPLAY_ERR_UNKNOWN_POLICY: unknown policy "fastest"/);
    const t = cli('--policy', 'predictive', '--from', 'yesterday');
    expect(t.status).toBe(2);
    expect(t.stderr).toMatch(/^REPLAY_ERR_BAD_ARGS: --from must be an ISO-8601 time/);
    const bad = join(dataDir, 'bad-roster.json');
    writeFileSync(bad, JSON.stringify({ agents: [{ id: 'a', capacity: { web: 'many' } }] }));
    const b = cli('--policy', 'predictive', '--from', from, '--to', to, '--roster', bad);
    expect(b.status).toBe(2);
    expect(b.stderr).toContain('REPLAY_ERR_BAD_ROSTER');
    expect(b.stderr).toContain('agents[0].capacity.web must be an integer');
  });
});

function writeRoster(): string {
  const file = join(dataDir, 'roster.json');
  const agents = ['agent-star', 'agent-good', 'agent-avg', 'agent-new'].map((id) => ({ id, groups: ['pre_sale'], capacity: { '*': 1 } }));
  writeFileSync(file, JSON.stringify({ agents, queues: [{ group: 'pre_sale', slaMs: 30_000 }] }));
  return file;
}

describe('runReplayCommand (in process)', () => {
  const io = () => {
    const out = { stdout: '', stderr: '' };
    return { out, io: { stdout: (s: string) => void (out.stdout += s), stderr: (s: string) => void (out.stderr += s) } };
  };
  const deps = { loadHistory: async (f: number, t: number) => asQueryResults(rows, f, t), now: () => START + 8 * DAY, demoRosterPath: '/nonexistent' };

  it('defaults to the 7 days before now and requires --policy', async () => {
    const a = io();
    expect(await runReplayCommand(['--policy', 'round_robin', '--json'], a.io, deps)).toBe(0);
    expect(JSON.parse(a.out.stdout)).toMatchObject({ from_ms: START + DAY, to_ms: START + 8 * DAY });
    const b = io();
    expect(await runReplayCommand([], b.io, deps)).toBe(2);
    expect(b.out.stderr).toMatch(/^REPLAY_ERR_BAD_ARGS: --policy is required/);
  });

  it('reports a failing warehouse as REPLAY_ERR_IO and an empty window as REPLAY_ERR_NO_DATA', async () => {
    const a = io();
    expect(await runReplayCommand(['--policy', 'predictive'], a.io, { ...deps, loadHistory: async () => Promise.reject(new Error('down')) })).toBe(2);
    expect(a.out.stderr).toMatch(/^REPLAY_ERR_IO: loading routing history failed: down/);
    const b = io();
    expect(await runReplayCommand(['--policy', 'predictive', '--from', '2020-01-01', '--to', '2020-01-02'], b.io, deps)).toBe(2);
    expect(b.out.stderr).toMatch(/^REPLAY_ERR_NO_DATA/);
  });
});
