import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorCode } from '../shared/errors.js';
import { projectRoot } from '../shared/paths.js';
import { DAY_MS, type RoutingHistory } from '../stream/routing/predictive/index.js';
import { DEFAULT_DEAL_WINDOW_DAYS, formatReplayTable, parseReplayRoster, replayJson, runReplay, type ReplayRoster } from '../stream/routing/replay/index.js';
import { parseFlags, type FlagSpecs } from './args.js';
import type { CommandIo } from './attribution-command.js';

export type ReplayErrorCode = Extract<ErrorCode, `REPLAY_ERR_${string}`>;

export interface ReplayCommandDeps {
  /** Loads routing history with occurred_at in [fromMs, toMs) (the warehouse adapter wires this). */
  loadHistory: (fromMs: number, toMs: number) => Promise<RoutingHistory>;
  now: () => number;
  /** The ROUTING_CONFIG path, when set. */
  routingConfig?: string;
  /** Default: stream/routing/demo-roster.json. */
  demoRosterPath?: string;
}

const USAGE = `usage: omnilane replay --policy skill_match|least_loaded|round_robin|sticky|rules|predictive
                       [--from ISO] [--to ISO] [--json] [--roster FILE] [--seed N] [--history-days N] [--deal-days N]

Replays conversations that started in [--from, --to) (default: the 7 days before now) under the policy and
under the policy that ran, and prints wait p50/p90, SLA misses, load Gini and expected conversions.
History from --history-days (default 90) before --from trains the conversion model.`;

interface Args {
  policy?: string;
  from?: number;
  to?: number;
  json: boolean;
  roster?: string;
  seed: number;
  historyDays: number;
  dealDays: number;
  help: boolean;
}

const REPLAY_FLAGS = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  policy: { type: 'string' },
  roster: { type: 'string' },
  from: { type: 'time' },
  to: { type: 'time' },
  seed: { type: 'number', integer: true, min: 0 },
  'history-days': { type: 'number', integer: true, min: 0 },
  'deal-days': { type: 'number', integer: true, min: 1 },
} as const satisfies FlagSpecs;

function parseReplayArgs(argv: string[]): { ok: true; args: Args } | { ok: false; message: string } {
  const parsed = parseFlags(argv, REPLAY_FLAGS);
  if (!parsed.ok) return parsed;
  const f = parsed.flags;
  return {
    ok: true,
    args: {
      policy: f.policy,
      from: f.from,
      to: f.to,
      json: f.json ?? false,
      roster: f.roster,
      seed: f.seed ?? 1,
      historyDays: f['history-days'] ?? 90,
      dealDays: f['deal-days'] ?? DEFAULT_DEAL_WINDOW_DAYS,
      help: f.help ?? false,
    },
  };
}

function fail(io: CommandIo, code: ReplayErrorCode, message: string): number {
  io.stderr(`${code}: ${message}\n`);
  return 2;
}

/** Reads and validates a roster file; `{ code, message }` when it cannot. */
function readRoster(path: string, channels: string[]): ReplayRoster | { code: ReplayErrorCode; message: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return e.code
      ? { code: 'REPLAY_ERR_IO', message: `${path}: ${e.message}` }
      : { code: 'REPLAY_ERR_BAD_ROSTER', message: `${path}: not valid JSON (${e.message})` };
  }
  const r = parseReplayRoster(doc, channels);
  return typeof r === 'string' ? { code: 'REPLAY_ERR_BAD_ROSTER', message: `${path}: ${r}` } : r;
}

/**
 * `omnilane replay`: loads recorded conversations, replays them under the
 * named policy and the recorded one, prints a table or JSON. Exit codes like
 * `omnilane attribution`: 0 ok, 2 bad arguments, roster, or no data (message
 * on stderr with a REPLAY_ERR_ code).
 */
export async function runReplayCommand(argv: string[], io: CommandIo, deps: ReplayCommandDeps): Promise<number> {
  const parsed = parseReplayArgs(argv);
  if (!parsed.ok) return fail(io, 'REPLAY_ERR_BAD_ARGS', `${parsed.message}\n${USAGE}`);
  const a = parsed.args;
  if (a.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (!a.policy) return fail(io, 'REPLAY_ERR_BAD_ARGS', `--policy is required\n${USAGE}`);
  const toMs = a.to ?? deps.now();
  const fromMs = a.from ?? toMs - 7 * DAY_MS;
  if (!(fromMs < toMs)) return fail(io, 'REPLAY_ERR_BAD_ARGS', '--from must be before --to');
  let history: RoutingHistory;
  try {
    history = await deps.loadHistory(fromMs - a.historyDays * DAY_MS, toMs);
  } catch (err) {
    return fail(io, 'REPLAY_ERR_IO', `loading routing history failed: ${(err as Error).message}`);
  }
  const channels = [...new Set(history.events.map((e) => e.channel))].sort();
  const agentsInData = new Set(history.events.flatMap((e) => (e.agent_id ? [e.agent_id] : [])));
  let roster: ReplayRoster | null = null;
  const explicit = a.roster ?? deps.routingConfig;
  if (explicit) {
    const r = readRoster(explicit, channels);
    if ('code' in r) return fail(io, r.code, r.message);
    roster = r;
  } else {
    // The demo roster only helps when it names the agents that served the recorded conversations.
    const demo = deps.demoRosterPath ?? join(projectRoot(), 'stream', 'routing', 'demo-roster.json');
    if (existsSync(demo)) {
      const r = readRoster(demo, channels);
      if (!('code' in r) && r.agents.some((x) => agentsInData.has(x.id))) roster = r;
    }
  }
  const out = runReplay(history, { policy: a.policy, fromMs, toMs, roster, seed: a.seed, dealWindowDays: a.dealDays });
  if (!out.ok) return fail(io, out.code, out.message);
  io.stdout(a.json ? `${replayJson(out.report)}\n` : formatReplayTable(out.report));
  return 0;
}
