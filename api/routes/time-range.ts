import { parseTimestamp } from '../../shared/envelope.js';
import { OmnilaneError } from '../../shared/errors.js';

/**
 * Times a query may name: 1970-01-01 to 9999-12-31. Beyond them `new Date(ms).toISOString()`
 * throws (a 500) and the warehouse's DateTime types overflow, so they are refused up front.
 */
export const MIN_QUERY_TIME_MS = 0;
export const MAX_QUERY_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Parses an ISO-8601 or epoch-ms query value; `def` when absent; API_ERR_VALIDATION when malformed or out of range. */
export function timeParam(name: string, raw: string | undefined | null, def: number): number;
export function timeParam(name: string, raw: string | undefined | null, def: null): number | null;
export function timeParam(name: string, raw: string | undefined | null, def: number | null): number | null {
  if (raw === undefined || raw === null || raw === '') return def;
  const t = parseTimestamp(/^\d+$/.test(raw) ? Number(raw) : raw);
  if (t === null) throw new OmnilaneError('API_ERR_VALIDATION', `${name} must be ISO-8601 or epoch ms, got ${JSON.stringify(raw.slice(0, 64))}`);
  if (t < MIN_QUERY_TIME_MS || t > MAX_QUERY_TIME_MS) {
    throw new OmnilaneError('API_ERR_VALIDATION', `${name} must be between 1970-01-01 and 9999-12-31, got ${JSON.stringify(raw.slice(0, 64))}`);
  }
  return t;
}

export const iso = (ms: number) => new Date(ms).toISOString();
