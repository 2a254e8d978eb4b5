import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * The one logger. Modules take `log.child({ stage })`. Secrets are redacted by
 * path so an Authorization header or key never reaches a log line.
 */
export function createLogger(level: string = 'info'): Logger {
  return pino({
    level,
    base: { app: 'omnilane' },
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', 'key', 'keys', '*.key', 'ingestKey', 'apiKey'],
      censor: '[redacted]',
    },
  });
}

/** A logger that writes nothing, for tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
