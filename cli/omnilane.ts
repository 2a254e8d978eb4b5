import { loadConfig } from '../shared/config.js';
import { isOmnilaneError } from '../shared/errors.js';
import { startOmnilane } from './runtime.js';

const USAGE = `omnilane <command> [options]

Commands:
  start [--demo]     run ingest, stream, API and dashboard in one process
                     (--demo adds realistic multi-channel traffic)
  attribution        channel attribution from a path CSV (see docs/attribution.md)
  help               this text

Configuration comes from the environment (see README): PORT, HOST, DATA_DIR,
OMNILANE_INGEST_KEY, OMNILANE_ADMIN_KEY, BUS_PARTITIONS, DEMO_RATE, LOG_LEVEL, …`;

async function start(args: string[]): Promise<void> {
  const config = loadConfig();
  const running = await startOmnilane({ config, demo: args.includes('--demo') });
  const admin = running.keys.secretFor('admin');
  const ingestKey = running.keys.secretFor('ingest');
  const lines = [
    '',
    `  Omnilane is running (${running.engines.names.bus} · ${running.engines.names.state} · ${running.engines.names.warehouse}), data in ${config.dataDir}`,
    `  Live board:   ${running.url}/#key=${admin}`,
    `  Event API:    POST ${running.url}/v1/events  (Authorization: Bearer ${ingestKey})`,
    `  API docs:     ${running.url}/openapi.json`,
    running.demo ? `  Demo traffic: ~${config.demoRate} events/s` : '',
    running.createdKeys.length ? `  Keys were generated and saved to ${config.dataDir}/keys.json; set OMNILANE_INGEST_KEY / OMNILANE_ADMIN_KEY to choose your own.` : '',
    '',
  ];
  process.stdout.write(lines.filter((l, i) => l !== '' || i === 0 || i === lines.length - 1).join('\n') + '\n');
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

/** CLI entry: returns when a one-shot command ends; `start` keeps the process alive. */
export async function main(argv: string[]): Promise<void> {
  const [cmd, ...args] = argv;
  try {
    switch (cmd) {
      case 'start':
        await start(args);
        return;
      case 'attribution': {
        const { runAttributionCommand } = await import('./attribution-command.js');
        process.exitCode = await runAttributionCommand(args, { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) });
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
      process.exitCode = err.code === 'CFG_ERR_INVALID' ? 78 : 1;
      return;
    }
    throw err;
  }
}
