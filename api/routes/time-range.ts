import { parseTimestamp } from '../../shared/envelope.js';
import { OmnilaneError } from '../../shared/errors.js';

/** Parses an ISO-8601 or epoch-ms query value; `def` when absent; API_ERR_VALIDATION when malformed. */
export function timeParam(name: string, raw: string | undefined | null, def: number): number;
export function timeParam(name: string, raw: string | undefined | null, def: null): number | null;
export function timeParam(name: string, raw: string | undefined | null, def: number | null): number | null {
  if (raw === undefined || raw === null || raw === '') return def;
  const t = parseTimestamp(/^\d+$/.test(raw) ? Number(raw) : raw);
  if (t === null) throw new OmnilaneError('API_ERR_VALIDATION', `${name} must be ISO-8601 or epoch ms, got ${JSON.stringify(raw)}`);
  return t;
}

export const iso = (ms: number) => new Date(ms).toISOString();
