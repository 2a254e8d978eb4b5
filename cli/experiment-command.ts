import { readFileSync } from 'node:fs';
import { isOmnilaneError, type ErrorCode } from '../shared/errors.js';
import type { ExperimentService } from '../stream/experiments/experiment-service.js';
import type { ExperimentReport } from '../stream/experiments/report.js';
import { parseFlags } from './args.js';

const USAGE = `usage: omnilane experiment report ID [--json]
       omnilane experiment list [--json]
       omnilane experiment define FILE.json

report  per-variant outcome metrics, always-valid intervals, probability to beat control, the
        sample-ratio check and the ship / keep running / stop call (docs/experiments.md)
define  create or update an experiment from a JSON definition file (same body as POST /v1/experiments)

Reads the configured warehouse (the embedded DuckDB file belongs to one process: stop \`omnilane start\`
first, or use GET /v1/experiments/ID/report).`;

export interface ExperimentIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

const pct = (x: number | null) => (x === null ? '-' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`);
const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toFixed(4));

/** The report as a text table: units and SRM, one row per metric × treatment, then the call and why. */
export function formatExperimentReport(r: ExperimentReport): string {
  const e = r.experiment;
  const control = e.variants[0].id;
  const head = ['metric', 'variant', `${control} mean`, 'variant mean', 'lift', 'always-valid interval', 'adj. p', 'P(beat)', 'verdict'];
  const rows = r.metrics.flatMap((m) =>
    m.comparisons.map((c) => [
      `${m.metric}${m.primary ? ' *' : ''}`,
      c.variant,
      fmt(m.arms[0].mean),
      fmt(m.arms.find((a) => a.variant === c.variant)!.mean),
      pct(c.lift),
      `[${pct(c.lift_lower)}, ${pct(c.lift_upper)}]`,
      c.adjusted_p.toPrecision(2),
      c.probability_to_beat.toFixed(3),
      c.verdict,
    ]),
  );
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((row) => row[k].length)));
  const line = (cells: string[]) =>
    cells
      .map((s, k) => (k < 2 ? s.padEnd(widths[k]) : s.padStart(widths[k])))
      .join('  ')
      .trimEnd();
  return (
    [
      `experiment ${e.id} (${e.name}), ${e.target}, ${e.status}, ${r.days_running.toFixed(1)} days, α = ${e.alpha}`,
      `units: ${r.units.map((u) => `${u.variant} ${u.n} (expected ${(u.expected_share * 100).toFixed(0)} %)`).join(', ')}`,
      `sample ratio: χ² = ${r.srm.chiSquare.toFixed(2)}, p = ${r.srm.pValue.toPrecision(3)}${r.srm.mismatch ? '  MISMATCH' : ' ok'}`,
      '',
      line(head),
      widths.map((w) => '-'.repeat(w)).join('  '),
      ...rows.map(line),
      '',
      `call: ${r.decision.call.toUpperCase().replace('_', ' ')}${r.decision.variant ? ` (${r.decision.variant})` : ''}`,
      ...r.decision.reasons.map((s) => `  - ${s}`),
      '(* primary metric; intervals hold at every look; p Holm-adjusted over metrics × variants)',
    ].join('\n') + '\n'
  );
}

/** JSON of a report (non-finite numbers, which JSON lacks, become null). */
export function experimentJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)) + '\n';
}

/**
 * `omnilane experiment …`. `open` gives the service over the configured warehouse and a close function.
 * Returns the exit status.
 */
export async function runExperimentCommand(
  args: string[],
  io: ExperimentIo,
  deps: { open: () => Promise<{ service: ExperimentService; close: () => Promise<void> }> },
): Promise<number> {
  const fail = (code: ErrorCode, message: string) => {
    io.stderr(`omnilane experiment: ${code}: ${message}\n`);
    return code === 'EXP_ERR_BAD_ARGS' ? 2 : 1;
  };
  const [sub, ...rest] = args;
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
    io.stdout(USAGE + '\n');
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'report' && sub !== 'list' && sub !== 'define') return fail('EXP_ERR_BAD_ARGS', `unknown subcommand "${sub}"\n\n${USAGE}`);
  const parsed = parseFlags(rest, { json: { type: 'boolean' } }, { positionals: sub === 'list' ? 0 : 1 });
  if (!parsed.ok) return fail('EXP_ERR_BAD_ARGS', `${parsed.message}\n\n${USAGE}`);
  const json = parsed.flags.json ?? false;
  const positional = parsed.positionals;
  if (sub !== 'list' && positional.length !== 1)
    return fail('EXP_ERR_BAD_ARGS', `${sub} needs exactly one ${sub === 'report' ? 'experiment id' : 'definition file'}`);
  let body: unknown;
  if (sub === 'define') {
    try {
      body = JSON.parse(readFileSync(positional[0], 'utf8'));
    } catch (err) {
      return fail('EXP_ERR_BAD_ARGS', `${positional[0]}: ${(err as Error).message}`);
    }
  }
  const { service, close } = await deps.open();
  try {
    if (sub === 'list') {
      const list = await service.list();
      io.stdout(
        json
          ? experimentJson(list.map(({ salt: _s, ...e }) => e))
          : list.map((e) => `${e.id}\t${e.status}\t${e.target}\t${e.variants.map((v) => v.id).join('/')}\t${e.name}`).join('\n') + (list.length ? '\n' : ''),
      );
    } else if (sub === 'define') {
      const { definition, created } = await service.define(body);
      io.stdout(
        `${created ? 'created' : 'updated'} experiment ${definition.id} (${definition.status}, variants ${definition.variants.map((v) => v.id).join(', ')})\n`,
      );
    } else {
      const report = await service.report(positional[0]);
      const { salt: _s, ...experiment } = report.experiment;
      io.stdout(json ? experimentJson({ ...report, experiment }) : formatExperimentReport(report));
    }
    return 0;
  } catch (err) {
    if (isOmnilaneError(err)) return fail(err.code, err.message);
    throw err;
  } finally {
    await close();
  }
}
