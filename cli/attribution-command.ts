import {
  ATTRIBUTION_ERRORS,
  readPathCsvFile,
  runModel,
  toEncoded,
  type AttributionErrorCode,
  type AttributionResult,
  type EncodedPaths,
  type ModelName,
  type PathRecord,
  type RunModelOptions,
} from '../stream/attribution/index.js';
import { parseFlags, type FlagSpecs } from './args.js';

export interface CommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

export interface AttributionCommandDeps {
  /** Loads journeys when no --input is given (the warehouse adapter wires this). */
  loadPaths?: () => Promise<readonly PathRecord[] | EncodedPaths>;
}

const USAGE = `usage: omnilane attribution --input paths.csv [--model markov|shapley|first|last|linear|time_decay|position|all]
                            [--order K] [--json] [--shapley count|ordered|probability] [--half-life H] [--seed N]

CSV columns: path ("a > b > c"), total_conversions, total_conversion_value, total_null (any order, extras ignored).`;

const CLI_MODELS = ['markov', 'shapley', 'first', 'last', 'linear', 'time_decay', 'position', 'all'] as const;
type CliModel = (typeof CLI_MODELS)[number];
const ALL: CliModel[] = ['first', 'last', 'linear', 'time_decay', 'position', 'markov', 'shapley'];

interface Args {
  input?: string;
  model: CliModel;
  order: number;
  json: boolean;
  shapley: 'count' | 'ordered' | 'probability';
  halfLife: number;
  seed: number;
  help: boolean;
}

const ATTRIBUTION_FLAGS = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  input: { type: 'string' },
  model: { type: 'string', choices: CLI_MODELS },
  order: { type: 'number', integer: true, min: 1, max: 4 },
  shapley: { type: 'string', choices: ['count', 'ordered', 'probability'] },
  /** In touches. */
  'half-life': { type: 'number', above: 0 },
  seed: { type: 'number', integer: true },
} as const satisfies FlagSpecs;

function parseAttributionArgs(argv: string[]): { ok: true; args: Args } | { ok: false; message: string } {
  const parsed = parseFlags(argv, ATTRIBUTION_FLAGS);
  if (!parsed.ok) return parsed;
  const f = parsed.flags;
  return {
    ok: true,
    args: {
      input: f.input,
      model: f.model ?? 'markov',
      order: f.order ?? 1,
      json: f.json ?? false,
      shapley: f.shapley ?? 'count',
      halfLife: f['half-life'] ?? 1,
      seed: f.seed ?? 1,
      help: f.help ?? false,
    },
  };
}

function fail(io: CommandIo, code: AttributionErrorCode, message: string): number {
  io.stderr(`${code}: ${message}\n`);
  return 2;
}

/** The public JSON shape, without model-specific extras (transitions, solver facts, positions). */
export function toPublicJson(r: AttributionResult): AttributionResult {
  return {
    model: r.model,
    ...(r.order !== undefined ? { order: r.order } : {}),
    total_conversions: r.total_conversions,
    total_value: r.total_value,
    base_conversion_rate: r.base_conversion_rate,
    channels: r.channels.map((c) =>
      c.removal_effect !== undefined
        ? { channel: c.channel, removal_effect: c.removal_effect, conversions: c.conversions, value: c.value }
        : { channel: c.channel, conversions: c.conversions, value: c.value },
    ),
  };
}

/** A readable, aligned table of one result. */
export function formatTable(r: AttributionResult): string {
  const head =
    `model ${r.model}${r.order !== undefined ? ` (order ${r.order})` : ''}: ` +
    `${fmt(r.total_conversions, 2)} conversions, value ${fmt(r.total_value, 2)}, ` +
    `base conversion rate ${(r.base_conversion_rate * 100).toFixed(2)} %`;
  const markov = r.channels.some((c) => c.removal_effect !== undefined);
  const cols = ['channel', ...(markov ? ['removal_effect'] : []), 'conversions', 'share', 'value'];
  const rows = r.channels.map((c) => [
    c.channel,
    ...(markov ? [fmt(c.removal_effect ?? 0, 6)] : []),
    fmt(c.conversions, 4),
    r.total_conversions !== 0 ? `${((c.conversions / r.total_conversions) * 100).toFixed(2)} %` : '-',
    fmt(c.value, 2),
  ]);
  const widths = cols.map((h, k) => Math.max(h.length, ...rows.map((row) => row[k].length)));
  const line = (cells: string[]) =>
    cells
      .map((s, k) => (k === 0 ? s.padEnd(widths[k]) : s.padStart(widths[k])))
      .join('  ')
      .trimEnd();
  return [head, line(cols), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n';
}

function fmt(x: number, digits: number): string {
  return x.toFixed(digits);
}

/**
 * `omnilane attribution`: reads paths (CSV, or the injected loader), runs the chosen model(s) and prints JSON or
 * a table. Returns the exit code: 0 ok, 2 bad arguments or input (message on stderr with an ATTR_ERR_ code).
 */
export async function runAttributionCommand(argv: string[], io: CommandIo, deps: AttributionCommandDeps = {}): Promise<number> {
  const parsed = parseAttributionArgs(argv);
  if (!parsed.ok) return fail(io, 'ATTR_ERR_BAD_ARGS', `${parsed.message}\n${USAGE}`);
  const args = parsed.args;
  if (args.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  let paths: EncodedPaths;
  if (args.input !== undefined) {
    const res = await readPathCsvFile(args.input);
    if (!res.ok) return fail(io, res.code, `${args.input}: ${res.message}`);
    paths = res.paths;
  } else if (deps.loadPaths) {
    try {
      paths = toEncoded(await deps.loadPaths());
    } catch (err) {
      return fail(io, 'ATTR_ERR_IO', `loading journeys failed: ${(err as Error).message}`);
    }
  } else {
    return fail(
      io,
      'ATTR_ERR_NO_SOURCE',
      'reading journeys from the warehouse is not wired yet; pass --input paths.csv. ' + ATTRIBUTION_ERRORS.ATTR_ERR_NO_SOURCE,
    );
  }
  const opts: RunModelOptions = {
    markov: { order: args.order, includeTransitions: false },
    halfLife: args.halfLife,
    shapleyProbability: { seed: args.seed },
  };
  const shapleyModel: ModelName = args.shapley === 'count' ? 'shapley' : args.shapley === 'ordered' ? 'shapley_ordered' : 'shapley_probability';
  const names: ModelName[] = (args.model === 'all' ? ALL : [args.model]).map((m) => (m === 'shapley' ? shapleyModel : (m as ModelName)));
  const results = names.map((m) => runModel(m, paths, opts));
  if (args.json) {
    const out = results.map(toPublicJson);
    io.stdout(`${JSON.stringify(args.model === 'all' ? out : out[0])}\n`);
  } else {
    io.stdout(results.map(formatTable).join('\n'));
  }
  return 0;
}
