/**
 * The one argv parser of the `omnilane` subcommands and `npm run bench` (issue 12), on `node:util` parseArgs.
 *
 * Node splits the words (`--flag value` and `--flag=value` alike, `-h`, `--`); the rules are here, strict and
 * the same for every command: an unknown flag, a string flag without its value, a value given to a boolean,
 * a value outside its choices or range, or one argument too many is an error. An error comes back as one short
 * sentence (`unknown flag --x`, `--input needs a value`) that the command prints under its own catalogue code
 * and usage: the parser knows no command, so each keeps its IMPORT_ERR_…, BOT_ERR_BAD_ARGS, … code.
 *
 * Node's own `strict: true` is not used, on purpose: it names the flag only inside English prose (no field to
 * word the error in the commands' style), and it refuses `--seed -1`, a negative number the commands have
 * always taken. Its tokens give the same checks with our words.
 */
import { parseArgs } from 'node:util';

export interface StringFlag {
  type: 'string';
  short?: string;
  /** Repeatable: the values in order (`--column A=x --column B=y`). */
  multiple?: boolean;
  choices?: readonly string[];
}
export interface BooleanFlag {
  type: 'boolean';
  short?: string;
}
export interface NumberFlag {
  type: 'number';
  short?: string;
  integer?: boolean;
  /** Inclusive bounds. */
  min?: number;
  max?: number;
  /** Exclusive lower bound (`--half-life` must be > 0). */
  above?: number;
}
/** An ISO-8601 time (starts with YYYY-MM-DD), given as epoch milliseconds. */
export interface TimeFlag {
  type: 'time';
  short?: string;
}
export type FlagSpec = StringFlag | BooleanFlag | NumberFlag | TimeFlag;
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

type ValueOf<F> = F extends { type: 'boolean' }
  ? boolean
  : F extends { type: 'number' | 'time' }
    ? number
    : F extends { multiple: true }
      ? string[]
      : F extends { choices: readonly (infer C)[] }
        ? C
        : string;

/** What was given; a flag not on the command line is absent (defaults stay with the command). */
export type FlagValues<S extends FlagSpecs> = { -readonly [K in keyof S]?: ValueOf<S[K]> };

export type ParsedArgs<S extends FlagSpecs> = { ok: true; flags: FlagValues<S>; positionals: string[] } | { ok: false; message: string };

/** A number as people type it: no hex, no blanks, no empty string (which Number() takes for 0). */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

class BadArgs extends Error {}

/**
 * Parses `argv` (the words after the subcommand) against `specs`. `positionals` is how many plain arguments the
 * command takes (default none); one more is `unknown argument X`.
 */
export function parseFlags<const S extends FlagSpecs>(argv: readonly string[], specs: S, opts: { positionals?: number } = {}): ParsedArgs<S> {
  const options = Object.fromEntries(
    Object.entries(specs).map(([name, s]) => [
      name,
      { type: s.type === 'boolean' ? ('boolean' as const) : ('string' as const), ...(s.short ? { short: s.short } : {}) },
    ]),
  );
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const flags: Record<string, unknown> = {};
  const positionals: string[] = [];
  try {
    for (const t of tokens) {
      if (t.kind === 'positional') {
        if (positionals.length >= (opts.positionals ?? 0)) throw new BadArgs(`unknown argument ${t.value}`);
        positionals.push(t.value);
      } else if (t.kind === 'option') {
        const spec = Object.hasOwn(specs, t.name) ? specs[t.name] : undefined;
        if (!spec) throw new BadArgs(`unknown flag ${t.rawName}`);
        if (spec.type === 'boolean') {
          if (t.value !== undefined) throw new BadArgs(`${t.rawName} takes no value`);
          flags[t.name] = true;
          continue;
        }
        // Node takes the next word whatever it is; `--input --json` means --input lost its value.
        if (!t.value || (!t.inlineValue && t.value.startsWith('-') && !NUMBER.test(t.value))) throw new BadArgs(`${t.rawName} needs a value`);
        const value = convert(t.rawName, t.value, spec);
        flags[t.name] = spec.type === 'string' && spec.multiple ? [...((flags[t.name] as string[] | undefined) ?? []), value] : value;
      }
    }
  } catch (err) {
    if (err instanceof BadArgs) return { ok: false, message: err.message };
    throw err;
  }
  return { ok: true, flags: flags as FlagValues<S>, positionals };
}

function convert(flag: string, raw: string, spec: StringFlag | NumberFlag | TimeFlag): string | number {
  if (spec.type === 'time') {
    const t = Date.parse(raw);
    if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || !Number.isFinite(t)) throw new BadArgs(`${flag} must be an ISO-8601 time, got ${raw}`);
    return t;
  }
  if (spec.type === 'string') {
    if (spec.choices && !spec.choices.includes(raw)) throw new BadArgs(`${flag} must be one of ${spec.choices.join('|')}, got ${raw}`);
    return raw;
  }
  const n = NUMBER.test(raw) ? Number(raw) : NaN;
  const ok =
    Number.isFinite(n) &&
    (!spec.integer || Number.isInteger(n)) &&
    (spec.min === undefined || n >= spec.min) &&
    (spec.max === undefined || n <= spec.max) &&
    (spec.above === undefined || n > spec.above);
  if (!ok) throw new BadArgs(`${flag} must be ${numberRule(spec)}, got ${raw}`);
  return n;
}

/** "an integer from 1 to 4", "a number > 0", "an integer ≥ 0". */
function numberRule(s: NumberFlag): string {
  const kind = s.integer ? 'an integer' : 'a number';
  if (s.min !== undefined && s.max !== undefined) return `${kind} from ${s.min} to ${s.max}`;
  const bounds = [s.above !== undefined ? `> ${s.above}` : '', s.min !== undefined ? `≥ ${s.min}` : '', s.max !== undefined ? `≤ ${s.max}` : ''];
  return [kind, ...bounds.filter(Boolean)].join(' ');
}
