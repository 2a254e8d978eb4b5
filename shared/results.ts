/**
 * Step results: a step returns what should happen to its input instead of
 * throwing for bad data. Only infrastructure failures throw.
 * (Shape learned from PostHog's ingestion framework.)
 */
export type StepResult<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'drop'; reason: string }
  | { kind: 'dlq'; code: string; reason: string }
  | { kind: 'retry'; reason: string };

export const ok = <T>(value: T): StepResult<T> => ({ kind: 'ok', value });
export const drop = <T = never>(reason: string): StepResult<T> => ({ kind: 'drop', reason });
export const dlq = <T = never>(code: string, reason: string): StepResult<T> => ({ kind: 'dlq', code, reason });
export const retry = <T = never>(reason: string): StepResult<T> => ({ kind: 'retry', reason });
