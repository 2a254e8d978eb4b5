import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorCode } from '../shared/errors.js';
import { projectRoot } from '../shared/paths.js';
import { DAY_MS, type RoutingHistory } from '../stream/routing/predictive/index.js';
import { DEFAULT_DEAL_WINDOW_DAYS, formatReplayTable, parseReplayRoster, replayJson, runReplay, type ReplayRoster } from '../stream/routing/replay/index.js';
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

function parseArgs(argv: string[]): { ok: true; args: Args } | { ok: false; message: string } {
  const args: Args = { json: false, seed: 1, historyDays: 90, dealDays: DEFAULT_DEAL_WINDOW_DAYS, help: false };
  for (let i = 0; i < argv.length; i++) {
    let flag = argv[i];
    let value: string | undefined;
    const eq = flag.indexOf('=');
    if (flag.startsWith('--') && eq > 0) [flag, value] = [flag.slice(0, eq), flag.slice(eq + 1)];
    const take = (): string | undefined => {
      if (value !== undefined) return value;
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) return undefined;
      i++;
      return v;
    };
    const time = (name: string): number | string => {
      const v = take();
      const t = v === undefined ? NaN : Date.parse(v);
      return Number.isFinite(t) && /^\d{4}-\d{2}-\d{2}/.test(v ?? '') ? t : `${name} must be an ISO-8601 time, got ${v ?? 'nothing'}`;
    };
    const int = (name: string, min: number): number | string => {
      const v = Number(take());
      return Number.isInteger(v) && v >= min ? v : `${name} must be an integer ≥ ${min}`;
    };
    let r: number | string | undefined;
    switch (flag) {
      case '--help':
      case '-h':
        args.help = true;
        break;
      case '--json':
        args.json = true;
        break;
      case '--policy':
        args.policy = take();
        if (!args.policy) return { ok: false, message: '--policy needs a name' };
        break;
      case '--roster':
        args.roster = take();
        if (!args.roster) return { ok: false, message: '--roster needs a file path' };
        break;
      case '--from':
        if (typeof (r = time('--from')) === 'string') return { ok: false, message: r };
        args.from = r;
        break;
      case '--to':
        if (typeof (r = time('--to')) === 'string') return { ok: false, message: r };
        args.to = r;
        break;
      case '--seed':
        if (typeof (r = int('--seed', 0)) === 'string') return { ok: false, message: r };
        args.seed = r;
        break;
      case '--history-days':
        if (typeof (r = int('--history-days', 0)) === 'string') return { ok: false, message: r };
        args.historyDays = r;
        break;
      case '--deal-days':
        if (typeof (r = int('--deal-days', 1)) === 'string') return { ok: false, message: r };
        args.dealDays = r;
        break;
      default:
        return { ok: false, message: `unknown argument ${argv[i]}` };
    }
  }
  return { ok: true, args };
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
    return e.code ? { code: 'REPLAY_ERR_IO', message: `${path}: ${e.message}` } : { code: 'REPLAY_ERR_BAD_ROSTER', message: `${path}: not valid JSON (${e.message})` };
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
  const parsed = parseArgs(argv);
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
