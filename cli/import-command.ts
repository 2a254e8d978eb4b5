import { accessSync, constants as fsConstants, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import {
  checkpointMismatch,
  CsvFileError,
  fingerprint,
  readCheckpoint,
  readRecords,
  RejectReport,
  runImport,
  type CsvMappingSpec,
  type ImportCheckpoint,
  type ImportFormat,
  type ImportIdentity,
  type ImportResult,
  type ImportSink,
} from '../ingest/import/index.js';
import type { Config } from '../shared/config.js';
import { isOmnilaneError, type ErrorCode } from '../shared/errors.js';
import { parseFlags, type FlagSpecs } from './args.js';
import type { CommandIo } from './attribution-command.js';

export type ImportErrorCode = Extract<ErrorCode, `IMPORT_ERR_${string}` | 'CFG_ERR_INVALID'>;

/** The producer id of the default ingest key (api/auth/key-ring.ts): imported ids dedup with posted ones. */
export const DEFAULT_PRODUCER = 'ingest-default';

const USAGE = `usage: omnilane import FILE [--format jsonl|csv] [--url URL [--key KEY]]
                       [--mapping FILE] [--column 'HEADER=FIELD']… [--set 'FIELD=VALUE']…
                       [--checkpoint FILE] [--report FILE] [--restart] [--producer ID] [--json] [--quiet]

Sends v1 events (JSON lines, one POST /v1/events event per line) or CSV rows (docs/import.md) through the
pipeline: dedup, identity, sessions, KPIs, journeys. Without --url it opens the engines the environment
configures (the embedded ones under DATA_DIR by default; stop omnilane start first) and returns once every
imported event is queryable. With --url it posts batches of ≤1000 events / 1 MiB to a running deployment
(key: --key or OMNILANE_INGEST_KEY), retrying 429/503 after Retry-After.
Resumable: the checkpoint (default FILE.import-checkpoint.json) records what was acknowledged; run the same
command again after Ctrl-C or a crash. Rejected lines go to FILE.rejected.jsonl with their codes.`;

export interface ImportArgs {
  file?: string;
  format?: ImportFormat;
  url?: string;
  key?: string;
  mappingFile?: string;
  columns: Record<string, string>;
  constants: Record<string, string>;
  checkpoint?: string;
  report?: string;
  restart: boolean;
  producer: string;
  json: boolean;
  quiet: boolean;
  help: boolean;
}

const IMPORT_FLAGS = {
  help: { type: 'boolean', short: 'h' },
  format: { type: 'string', choices: ['jsonl', 'csv'] },
  url: { type: 'string' },
  key: { type: 'string' },
  mapping: { type: 'string' },
  column: { type: 'string', multiple: true },
  set: { type: 'string', multiple: true },
  checkpoint: { type: 'string' },
  report: { type: 'string' },
  producer: { type: 'string' },
  restart: { type: 'boolean' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
} as const satisfies FlagSpecs;

/** `--column 'HEADER=FIELD'` / `--set 'FIELD=VALUE'`, in order (a later one for the same name wins). */
function pairs(flag: string, given: string[] = []): Record<string, string> | string {
  const into: Record<string, string> = {};
  for (const v of given) {
    const k = v.indexOf('=');
    if (k <= 0) return `${flag} takes NAME=VALUE, got ${v}`;
    into[v.slice(0, k).trim()] = v.slice(k + 1);
  }
  return into;
}

export function parseImportArgs(argv: string[]): { ok: true; args: ImportArgs } | { ok: false; message: string } {
  const parsed = parseFlags(argv, IMPORT_FLAGS, { positionals: 1 });
  if (!parsed.ok) return parsed;
  const f = parsed.flags;
  const columns = pairs('--column', f.column);
  if (typeof columns === 'string') return { ok: false, message: columns };
  const constants = pairs('--set', f.set);
  if (typeof constants === 'string') return { ok: false, message: constants };
  if (f.url && !/^https?:\/\//.test(f.url)) return { ok: false, message: `--url must be an http(s) URL, got ${f.url}` };
  const a: ImportArgs = {
    file: parsed.positionals[0],
    format: f.format,
    url: f.url,
    key: f.key,
    mappingFile: f.mapping,
    columns,
    constants,
    checkpoint: f.checkpoint,
    report: f.report,
    restart: f.restart ?? false,
    producer: f.producer ?? DEFAULT_PRODUCER,
    json: f.json ?? false,
    quiet: f.quiet ?? false,
    help: f.help ?? false,
  };
  return { ok: true, args: a };
}

/** jsonl for .jsonl/.ndjson/.json, csv for .csv; otherwise --format must say. */
export function formatOf(file: string, explicit?: ImportFormat): ImportFormat | null {
  if (explicit) return explicit;
  if (/\.(jsonl|ndjson|json)$/i.test(file)) return 'jsonl';
  if (/\.csv$/i.test(file)) return 'csv';
  return null;
}

/** A checkpoint beside the input when its folder is writable, else under DATA_DIR/imports. */
function defaultCheckpoint(file: string, dataDir: string): string {
  try {
    accessSync(dirname(file), fsConstants.W_OK);
    return `${file}.import-checkpoint.json`;
  } catch {
    const dir = join(dataDir, 'imports');
    mkdirSync(dir, { recursive: true });
    return join(dir, `${basename(file)}-${createHash('sha256').update(resolve(file)).digest('hex').slice(0, 12)}.json`);
  }
}

export interface ImportCommandDeps {
  config: Config;
  /** Opens the engines of the configuration in this process (LocalSink); injected so the command stays testable. */
  openLocal: (producer: string) => Promise<ImportSink & { settle(onLag?: (lag: number) => void): Promise<void>; close(): Promise<void>; queryable: boolean }>;
  openHttp: (url: string, key: string, onRetry: (text: string) => void) => ImportSink;
  isTTY: boolean;
  signal?: AbortSignal;
}

function fail(io: CommandIo, code: ImportErrorCode, message: string, status = 2): number {
  io.stderr(`omnilane import: ${code}: ${message}\n`);
  return status;
}

/**
 * `omnilane import`: see USAGE and docs/import.md. Exit status 0 when the whole file went through (rejected
 * lines are in the report), 130 when interrupted (the same command resumes), 2 for bad arguments, mapping,
 * checkpoint or CSV quoting, 1 when the pipeline or a file failed.
 */
export async function runImportCommand(argv: string[], io: CommandIo, deps: ImportCommandDeps): Promise<number> {
  const parsed = parseImportArgs(argv);
  if (!parsed.ok) return fail(io, 'IMPORT_ERR_BAD_ARGS', `${parsed.message}\n${USAGE}`);
  const a = parsed.args;
  if (a.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (!a.file) return fail(io, 'IMPORT_ERR_BAD_ARGS', `no input file\n${USAGE}`);
  const file = a.file;
  if (!existsSync(file) || !statSync(file).isFile()) return fail(io, 'IMPORT_ERR_IO', `${file}: no such file`);
  const format = formatOf(file, a.format);
  if (!format) return fail(io, 'IMPORT_ERR_BAD_ARGS', `cannot tell the format of ${file} from its name; pass --format jsonl or --format csv`);
  const key = a.key ?? deps.config.server.ingestKey;
  if (a.url && !key) return fail(io, 'IMPORT_ERR_BAD_ARGS', '--url needs an ingest key: --key KEY or OMNILANE_INGEST_KEY');

  let mapping: CsvMappingSpec | undefined;
  if (format === 'csv') {
    let fromFile: CsvMappingSpec = {};
    if (a.mappingFile) {
      try {
        fromFile = JSON.parse(readFileSync(a.mappingFile, 'utf8')) as CsvMappingSpec;
      } catch (err) {
        return fail(io, (err as NodeJS.ErrnoException).code ? 'IMPORT_ERR_IO' : 'IMPORT_ERR_BAD_MAPPING', `${a.mappingFile}: ${(err as Error).message}`);
      }
      if (typeof fromFile !== 'object' || fromFile === null)
        return fail(io, 'IMPORT_ERR_BAD_MAPPING', `${a.mappingFile}: must be {"columns":{…},"constants":{…}}`);
    }
    mapping = { columns: { ...fromFile.columns, ...a.columns }, constants: { ...fromFile.constants, ...a.constants } };
    // Header and mapping problems stop the import before any engine opens.
    try {
      await readRecords(file, { format, mapping }).next();
    } catch (err) {
      if (err instanceof CsvFileError) return fail(io, err.code, `${file} line ${err.line}: ${err.message}`);
      throw err;
    }
  } else if (a.mappingFile || Object.keys(a.columns).length || Object.keys(a.constants).length) {
    return fail(io, 'IMPORT_ERR_BAD_ARGS', '--mapping, --column and --set apply to CSV input only');
  }

  const cfg = deps.config;
  const target = a.url
    ? a.url.replace(/\/+$/, '')
    : cfg.kafka.brokers
      ? `kafka:${cfg.kafka.brokers.join(',')}/${cfg.namespace ?? ''}#${a.producer}`
      : `embedded:${resolve(cfg.dataDir)}#${a.producer}`;
  const identity: ImportIdentity = { ...fingerprint(file), format, mapping: mapping ? JSON.stringify(mapping) : '', target };
  const checkpointPath = a.checkpoint ?? defaultCheckpoint(file, cfg.dataDir);
  const reportPath = a.report ?? `${file}.rejected.jsonl`;
  let resume: ImportCheckpoint | null = null;
  if (!a.restart) {
    try {
      resume = readCheckpoint(checkpointPath);
    } catch (err) {
      return fail(io, 'IMPORT_ERR_CHECKPOINT', `${checkpointPath}: ${(err as Error).message}; pass --restart to import from the first line`);
    }
    const why = resume && checkpointMismatch(resume, identity);
    if (why)
      return fail(io, 'IMPORT_ERR_CHECKPOINT', `${checkpointPath}: ${why}; pass --restart to import from the first line (ids already imported count once)`);
  }

  const { ProgressReporter } = await import('./import-progress.js');
  const progress = new ProgressReporter({ write: io.stderr, isTTY: deps.isTTY, quiet: a.quiet || a.json });
  let report: RejectReport;
  try {
    report = new RejectReport(reportPath, resume?.reportBytes ?? 0);
  } catch (err) {
    return fail(io, 'IMPORT_ERR_IO', `${reportPath}: ${(err as Error).message}`, 1);
  }
  let local: Awaited<ReturnType<ImportCommandDeps['openLocal']>> | undefined;
  let result: ImportResult;
  let queryable = false;
  try {
    const sink = a.url ? deps.openHttp(a.url, key!, (t) => progress.note(t)) : (local = await deps.openLocal(a.producer));
    if (resume && !resume.done && !a.quiet && !a.json) io.stderr(`import: resuming ${file} at line ${resume.nextLine} (checkpoint ${checkpointPath})\n`);
    result = await runImport({
      path: file,
      format,
      mapping,
      identity,
      sink,
      resume,
      checkpointPath,
      report,
      signal: deps.signal,
      onProgress: (p) => progress.update(p),
    });
    if (local && result.complete) {
      await local.settle((lag) => progress.note(`waiting for the stream worker: ${lag.toLocaleString('en-US')} events to process`));
      queryable = local.queryable;
    }
  } catch (err) {
    progress.end();
    if (err instanceof CsvFileError) return fail(io, err.code, `${file} line ${err.line}: ${err.message} (the checkpoint keeps what was imported before it)`);
    if (isOmnilaneError(err)) return fail(io, err.code as ImportErrorCode, err.message, err.code === 'CFG_ERR_INVALID' ? 78 : 1);
    throw err;
  } finally {
    report.close();
    await local?.close();
  }
  progress.end();

  const c = result.counts;
  const where = a.url
    ? a.url
    : cfg.kafka.brokers
      ? `Kafka ${cfg.kafka.brokers.join(',')}`
      : `${cfg.clickhouse.url ? 'ClickHouse' : 'DuckDB'} (DATA_DIR ${cfg.dataDir})`;
  if (a.json) {
    io.stdout(
      `${JSON.stringify({ file, format, target: where, complete: result.complete, queryable, resumed: Boolean(resume), lines: c.lines, accepted: c.accepted, duplicates: c.duplicates, rejected: c.rejected, rejected_by_code: c.byCode, report: reportPath, checkpoint: checkpointPath, next_line: result.nextLine })}\n`,
    );
  } else {
    const n = (x: number) => x.toLocaleString('en-US').padStart(12);
    const codes = Object.entries(c.byCode)
      .sort((x, y) => y[1] - x[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    const lines = [
      `omnilane import: ${file} (${format}) → ${where}${resume ? ' (totals include the runs before this resume)' : ''}`,
      `  lines      ${n(c.lines)}`,
      `  accepted   ${n(c.accepted)}`,
      `  duplicates ${n(c.duplicates)}  (ids seen before, counted once)`,
      `  rejected   ${n(c.rejected)}${codes ? `  (${codes})` : ''}`,
      c.rejected ? `  rejected lines with their codes: ${reportPath}` : '',
      result.complete
        ? queryable
          ? '  done: every imported event is in the warehouse and queryable'
          : `  done: every batch was acknowledged by ${a.url ? 'the server' : 'Kafka'}; its stream workers write them to the warehouse`
        : `  interrupted before line ${result.nextLine}: run the same command to resume (checkpoint ${checkpointPath})`,
    ];
    io.stdout(lines.filter(Boolean).join('\n') + '\n');
  }
  return result.complete ? 0 : 130;
}
