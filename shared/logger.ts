import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Personal fields of customers (docs/security.md "Hardening"): never written to a log line, at any depth up to three. */
export const PERSONAL_FIELDS = ['phone', 'phones', 'email', 'emails', 'name', 'text', 'address', 'body'] as const;

const SECRET_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'key',
  'keys',
  '*.key',
  'ingestKey',
  'apiKey',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'token',
  '*.token',
];

/** Redaction paths: secrets, and each personal field on its own or nested one to three objects deep. */
export const REDACT_PATHS: readonly string[] = [...SECRET_PATHS, ...PERSONAL_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`, `*.*.*.${f}`])];

/**
 * The one logger. Modules take `log.child({ stage })`. Secrets and customers' personal fields are redacted
 * by path, so an Authorization header, a key, a phone number or a message text never reach a log line.
 * `destination` is for tests that read what was logged.
 */
export function createLogger(level: string = 'info', destination?: DestinationStream): Logger {
  const opts = {
    level,
    base: { app: 'omnilane' },
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
  };
  return destination ? pino(opts, destination) : pino(opts);
}

/** A logger that writes nothing, for tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
