import { inject } from 'vitest';
import type { EngineEnv, EngineName } from '../global-setup.js';

const LABEL: Record<EngineName, string> = { kafka: 'Kafka', redis: 'Redis', clickhouse: 'ClickHouse' };

/**
 * The engine addresses from test/global-setup.ts. Throws (so the suite
 * fails, never skips) when the engine could not be reached or started.
 */
export function requireEngine(engine: EngineName): EngineEnv {
  const env = inject('engines');
  if (!env) throw new Error(`${LABEL[engine]}: test/global-setup.ts did not run (is it in vitest.config.ts globalSetup?)`);
  const err = env.errors[engine];
  if (err) throw new Error(`${LABEL[engine]} engine suite cannot run: ${err}`);
  return env;
}

let seq = 0;
/** A name unique to this run and call: `<runId>_<suffix>_<n>` (letters, digits, underscores). */
export function uniqueName(suffix: string): string {
  const env = inject('engines');
  const run = env?.runId ?? `t${Date.now().toString(36)}`;
  return `${run}_${suffix}_${process.pid}_${++seq}`.replace(/[^A-Za-z0-9_]/g, '_');
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` until it returns true or `timeoutMs` passes; then throws with `what`. */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000, everyMs = 25): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await sleep(everyMs);
  }
}
