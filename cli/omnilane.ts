import { loadConfig } from '../shared/config.js';
import { isOmnilaneError } from '../shared/errors.js';
import { createLogger } from '../shared/logger.js';
import { systemClock } from '../shared/clock.js';
import { privateUmask } from '../shared/private-files.js';
import { parseFlags } from './args.js';
import { openEngines } from './engines.js';
import { startOmnilane, startRoles, type Roles, type RunningRoles } from './runtime.js';

const USAGE = `omnilane <command> [options]

Commands:
  start [--demo]     run ingest, stream, API and dashboard in one process
                     (--demo adds realistic multi-channel traffic)
  ingest             only the event API (POST /v1/events → bus)
  stream             only a stream worker (bus → state and warehouse); run several,
                     they share the bus partitions through the consumer group
  api                only the API: boards, metrics, live push, dashboard
  migrate            apply pending warehouse migrations and exit
  attribution        channel attribution from a path CSV (see docs/attribution.md)
  replay --policy P  replay recorded conversations under a routing policy (see docs/routing-replay.md)
  import FILE        send a history file (v1 event JSON lines or CSV) through the pipeline,
                     resumable (see docs/import.md)
  intent classify|eval|train|agreement
                     the built-in intent model: classify JSON lines, evaluate on labelled
                     lines, retrain from the labelled data and agents' corrections, report how
                     often agents agreed with the model (see docs/ai.md)
  bot ask|eval       the FAQ bot: answer one question from the knowledge base (or hand over),
                     evaluate on labelled questions (see docs/ai.md, "FAQ bot")
  users add|list|passwd|disable|enable|end-sessions
                     people who sign in to the dashboard and console (see docs/security.md)
  keys create|list|rotate|revoke
                     API keys for machines, stored hashed; a secret is shown once
  security revoke-all
                     incident: end every session and revoke every key, in every process
  audit verify|export
                     check the hash-chained audit log (exit 3 when tampered) or export it as
                     JSON lines (see docs/security.md, "Audit")
  privacy export ID [--out FILE]
                     data-subject export: everything held about one customer as one JSON
                     document, each table as rows and CSV (see docs/privacy.md, "Export")
  privacy erase ID   erase one customer everywhere (durable job, resumes; see docs/privacy.md,
                     "Erasure") and print what each store deleted
  tls self-signed [--out DIR]
                     write a self-signed certificate for local HTTPS (see docs/security.md)
  experiment report ID [--json] | list | define FILE
                     A/B experiments: the per-variant report with always-valid intervals and
                     the ship / keep running / stop call (see docs/experiments.md)
  help               this text

Configuration comes from the environment (see README): PORT, HOST, DATA_DIR,
OMNILANE_INGEST_KEY, OMNILANE_ADMIN_KEY (stored hashed), BUS_PARTITIONS, DEMO_RATE, LOG_LEVEL, …
KAFKA_BROKERS, REDIS_URL and CLICKHOUSE_URL each switch one engine from the
embedded default to the server (ingest, stream and api as separate processes
need them); OMNILANE_NAMESPACE prefixes Kafka topics/groups and Redis keys.`;

/** How to sign in, for the start banner: who, and the 0600 file holding generated secrets (never the secrets). */
function signInLines(running: Pick<RunningRoles, 'url' | 'credentials'>, dataDir: string): string[] {
  const c = running.credentials;
  const made = c?.generated ?? [];
  const users = made.filter((g) => g.startsWith('user:')).map((g) => g.slice('user:'.length));
  return [
    `  Sign in:      ${running.url}/  (dashboard and agent console; manage people with omnilane users, keys with omnilane keys)`,
    made.length ? `  Generated now: ${made.join(', ')}; their passwords and keys are in ${c!.credentialsPath} (mode 0600)` : '',
    users.length ? `                 e.g. sign in as ${users[0]}; change it with omnilane users passwd ${users[0]}` : '',
    c && c.migrated > 0 ? `  Migrated ${c.migrated} key(s) from the plaintext ${dataDir}/keys.json to hashes in ${dataDir}/access.json` : '',
  ];
}

async function start(args: string[]): Promise<void> {
  const parsed = parseFlags(args, { demo: { type: 'boolean' } });
  if (!parsed.ok) {
    // The same answer as an unknown command: usage on stderr, exit 2.
    process.stderr.write(`omnilane start: ${parsed.message}\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const config = loadConfig();
  const running = await startOmnilane({ config, demo: parsed.flags.demo ?? false });
  const lines = [
    '',
    `  Omnilane is running (${running.engines.names.bus} · ${running.engines.names.state} · ${running.engines.names.warehouse}), data in ${config.dataDir}`,
    ...signInLines(running, config.dataDir),
    `  Event API:    POST ${running.url}/v1/events  (Authorization: Bearer <an ingest key>)`,
    `  API docs:     ${running.url}/openapi.json`,
    `  Metrics:      ${running.url}/metrics  (Prometheus, analyst key; /healthz and /readyz are public)`,
    running.demo ? `  Demo traffic: ~${config.demo.rate} events/s` : '',
    '',
  ];
  process.stdout.write(lines.filter((l, i) => l !== '' || i === 0 || i === lines.length - 1).join('\n') + '\n');
  stopOnSignals(running);
}

/** `omnilane ingest | stream | api`: one role per process, engines shared through their servers. */
async function startRole(name: keyof Roles): Promise<void> {
  const config = loadConfig();
  const roles: Roles = { ingest: false, stream: false, api: false, [name]: true };
  const running = await startRoles({ config, roles });
  const engines = running.engines.names;
  const lines = [`  Omnilane ${name} is running (${engines.bus} · ${engines.state} · ${engines.warehouse})`];
  if (name === 'ingest') lines.push(`  Event API:  POST ${running.url}/v1/events`);
  if (running.metricsUrl) lines.push(`  Metrics:    ${running.metricsUrl}/metrics  (Prometheus; /healthz, /readyz; STREAM_METRICS_PORT)`);
  else if (running.url) lines.push(`  Metrics:    ${running.url}/metrics  (analyst key; /healthz, /readyz public)`);
  if (name === 'api')
    lines.push(`  Live board: ${running.url}/  (live push re-reads the warehouse about once a second)`, `  API docs:   ${running.url}/openapi.json`);
  if (running.url) lines.push(...signInLines(running, config.dataDir).filter(Boolean));
  process.stdout.write(lines.join('\n') + '\n');
  stopOnSignals(running);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** SIGTERM / SIGINT: stop taking work, finish and commit the batch in flight, flush, close, exit. */
function stopOnSignals(running: Pick<RunningRoles, 'log' | 'stop'>): void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    running.log.info({ signal }, 'shutting down: draining and committing');
    running.stop().then(
      () => process.exit(0),
      (err) => {
        running.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/** `omnilane migrate`: applies pending warehouse migrations (also run at start, idempotently). */
async function migrate(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const { warehouse, lock } = await openEngines(config, systemClock, log, { bus: false, state: false, warehouse: true });
  try {
    const applied = await warehouse.migrate();
    process.stdout.write(`${config.clickhouse.url ? 'ClickHouse' : 'DuckDB'}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}\n`);
  } finally {
    await warehouse.close();
    lock?.release();
  }
}

/**
 * Journeys of the last ATTRIBUTION_LOOKBACK_DAYS from the configured warehouse, for
 * `omnilane attribution` without --input. (The embedded DuckDB file allows one
 * process: stop `omnilane start` first, or use GET /v1/attribution.)
 */
async function loadWarehousePaths() {
  const { openEngines } = await import('./engines.js');
  const { loadJourneyEvents } = await import('../stream/attribution/attribution-job.js');
  const { buildPaths, DEFAULT_JOURNEY_CONFIG, DAY_MS } = await import('../stream/attribution/journeys.js');
  const { silentLogger } = await import('../shared/logger.js');
  const cfg = loadConfig();
  const engines = await openEngines(cfg, systemClock, silentLogger(), { bus: false, state: false, warehouse: true });
  try {
    await engines.warehouse.migrate();
    const to = systemClock.now();
    const events = await loadJourneyEvents(engines.warehouse, to - cfg.attribution.lookbackDays * DAY_MS, to, DEFAULT_JOURNEY_CONFIG);
    return buildPaths(events, DEFAULT_JOURNEY_CONFIG, to).paths;
  } finally {
    await engines.warehouse.close();
    engines.lock?.release();
  }
}

/** Routing history for `omnilane replay` from the configured warehouse (same one-process caveat as attribution). */
async function loadWarehouseRoutingHistory(fromMs: number, toMs: number) {
  const { openEngines } = await import('./engines.js');
  const { loadRoutingHistory } = await import('../stream/routing/predictive/load-history.js');
  const { silentLogger } = await import('../shared/logger.js');
  const engines = await openEngines(loadConfig(), systemClock, silentLogger(), { bus: false, state: false, warehouse: true });
  try {
    await engines.warehouse.migrate();
    return await loadRoutingHistory(engines.warehouse, fromMs, toMs);
  } finally {
    await engines.warehouse.close();
    engines.lock?.release();
  }
}

/** `omnilane audit verify|export` on the configured warehouse (the embedded DuckDB file: stop the server first). */
async function auditCommand(args: string[]): Promise<number> {
  const { runAuditCommand } = await import('./audit-command.js');
  const cfg = loadConfig();
  const log = createLogger(cfg.logLevel);
  const engines = await openEngines(cfg, systemClock, log, { bus: false, state: Boolean(cfg.redis.url), warehouse: true });
  try {
    const io = { stdout: (s: string) => process.stdout.write(s), stderr: (s: string) => process.stderr.write(s) };
    return await runAuditCommand(args, io, { cfg, warehouse: engines.warehouse, clock: systemClock, log, ...(cfg.redis.url ? { state: engines.state } : {}) });
  } finally {
    await engines.state.close();
    await engines.warehouse.close();
    engines.lock?.release();
  }
}

/** `omnilane privacy export` on the configured engines (embedded ones: stop the server first, it holds DATA_DIR). */
async function privacyCommand(args: string[]): Promise<number> {
  const { runPrivacyCommand } = await import('./privacy-command.js');
  const { composeErasure, composeExportSources } = await import('./compose-pipeline.js');
  const { composeAudit } = await import('./compose-api.js');
  const cfg = loadConfig();
  const log = createLogger(cfg.logLevel);
  const engines = await openEngines(cfg, systemClock, log, { bus: false, state: true, warehouse: true });
  try {
    await engines.warehouse.migrate();
    const audit = composeAudit(cfg, engines.warehouse, systemClock, log, cfg.redis.url ? engines.state : undefined);
    const io = { stdout: (s: string) => process.stdout.write(s), stderr: (s: string) => process.stderr.write(s) };
    try {
      return await runPrivacyCommand(args, io, {
        sources: composeExportSources(cfg, engines, systemClock),
        audit,
        erasure: composeErasure(cfg, engines, systemClock),
        keys: { dataDir: cfg.dataDir, privacy: cfg.privacy, state: engines.state },
      });
    } finally {
      await audit.close();
    }
  } finally {
    await engines.state.close();
    await engines.warehouse.close();
    engines.lock?.release();
  }
}

/** The experiment service over the configured warehouse, for `omnilane experiment` (same one-process caveat as attribution). */
async function openExperimentService() {
  const { ExperimentService } = await import('../stream/experiments/experiment-service.js');
  const { silentLogger } = await import('../shared/logger.js');
  const engines = await openEngines(loadConfig(), systemClock, silentLogger(), { bus: false, state: false, warehouse: true });
  await engines.warehouse.migrate();
  return {
    service: new ExperimentService(engines.warehouse, systemClock),
    close: async () => {
      await engines.warehouse.close();
      engines.lock?.release();
    },
  };
}

/** Exit statuses other than 1 (sysexits.h): 78 EX_CONFIG for a bad variable, 75 EX_TEMPFAIL while DATA_DIR is taken. */
const EXIT_CODES: Partial<Record<string, number>> = { CFG_ERR_INVALID: 78, CFG_ERR_DATA_DIR_IN_USE: 75 };

/**
 * `omnilane import`: the first Ctrl-C (or SIGTERM) stops after the batch in flight is acknowledged and
 * checkpointed, then closes the engines; a second one exits at once (the checkpoint still holds).
 */
async function importCommand(args: string[]): Promise<number> {
  const { runImportCommand } = await import('./import-command.js');
  const { LocalSink } = await import('./import-local-sink.js');
  const { HttpSink } = await import('./import-http-sink.js');
  const { systemClock } = await import('../shared/clock.js');
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const abort = new AbortController();
  const onSignal = () => {
    if (abort.signal.aborted) process.exit(130);
    process.stderr.write('\nomnilane import: stopping after the batch in flight (Ctrl-C again to quit now)\n');
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await runImportCommand(
      args,
      { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) },
      {
        config,
        openLocal: (producer) => LocalSink.open(config, systemClock, log, producer),
        openHttp: (url, key, onRetry) =>
          new HttpSink({ url, key, onRetry: (r) => onRetry(`retry ${r.attempt} in ${Math.round(r.waitMs / 100) / 10}s: ${r.reason}`) }),
        isTTY: Boolean(process.stderr.isTTY),
        signal: abort.signal,
      },
    );
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** CLI entry: returns when a one-shot command ends; `start` keeps the process alive. */
export async function main(argv: string[]): Promise<void> {
  const [cmd, ...args] = argv;
  // Everything this process writes (DATA_DIR, exports, certificates) is readable by its owner only.
  privateUmask();
  try {
    switch (cmd) {
      case 'start':
        await start(args);
        return;
      case 'ingest':
      case 'stream':
      case 'api':
        await startRole(cmd);
        return;
      case 'migrate':
        await migrate();
        return;
      case 'attribution': {
        const { runAttributionCommand } = await import('./attribution-command.js');
        process.exitCode = await runAttributionCommand(
          args,
          { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) },
          { loadPaths: loadWarehousePaths },
        );
        return;
      }
      case 'replay': {
        const { runReplayCommand } = await import('./replay-command.js');
        const io = { stdout: (s: string) => process.stdout.write(s), stderr: (s: string) => process.stderr.write(s) };
        process.exitCode = await runReplayCommand(args, io, {
          loadHistory: loadWarehouseRoutingHistory,
          now: () => Date.now(),
          routingConfig: loadConfig().routing.config,
        });
        return;
      }
      case 'experiment': {
        const { runExperimentCommand } = await import('./experiment-command.js');
        const io = { stdout: (s: string) => process.stdout.write(s), stderr: (s: string) => process.stderr.write(s) };
        process.exitCode = await runExperimentCommand(args, io, { open: openExperimentService });
        return;
      }
      case 'import':
        process.exitCode = await importCommand(args);
        return;
      case 'users':
      case 'keys':
      case 'security': {
        const { usersCommand, keysCommand, securityCommand } = await import('./access-command.js');
        const io = { stdout: (s: string) => void process.stdout.write(s), stdin: readStdin };
        process.exitCode = await (cmd === 'users' ? usersCommand : cmd === 'keys' ? keysCommand : securityCommand)(args, loadConfig(), io);
        return;
      }
      case 'intent': {
        const { runIntentCommand } = await import('./intent-command.js');
        const io = { stdout: (s: string) => process.stdout.write(s), stderr: (s: string) => process.stderr.write(s) };
        process.exitCode = await runIntentCommand(args, io, { dataDir: loadConfig().dataDir });
        return;
      }
      case 'bot': {
        const { runBotCommand } = await import('./bot-command.js');
        const io = { stdout: (s: string) => process.stdout.write(s), stderr: (s: string) => process.stderr.write(s) };
        const cfg = loadConfig();
        process.exitCode = await runBotCommand(args, io, { knowledgeDir: cfg.bot.knowledgeDir, minConfidence: cfg.bot.minConfidence });
        return;
      }
      case 'audit':
        process.exitCode = await auditCommand(args);
        return;
      case 'privacy':
        process.exitCode = await privacyCommand(args);
        return;
      case 'tls': {
        const { tlsCommand } = await import('./tls.js');
        process.stdout.write((await tlsCommand(args, loadConfig())) + '\n');
        return;
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE + '\n');
        return;
      default:
        process.stderr.write(`unknown command "${cmd}"\n\n${USAGE}\n`);
        process.exitCode = 2;
    }
  } catch (err) {
    if (isOmnilaneError(err)) {
      process.stderr.write(`omnilane: ${err.code}: ${err.message}\n`);
      process.exitCode = EXIT_CODES[err.code] ?? 1;
      return;
    }
    throw err;
  }
}
