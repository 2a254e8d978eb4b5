import type { LineResult } from './types.js';

/**
 * One line of a v1 event JSON-lines file: the same object POST /v1/events takes in `events`. Null for a blank
 * line (skipped, not an error). Validation of the event itself is the pipeline's (validateEvent), so an import
 * rejects exactly what the API would, with the same codes.
 */
export function parseJsonlLine(text: string): LineResult | null {
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (t.trim() === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(t);
  } catch (err) {
    return { ok: false, code: 'IMPORT_ERR_NOT_JSON', reason: `not valid JSON: ${(err as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      ok: false,
      code: 'IMPORT_ERR_NOT_JSON',
      reason: `a line must hold one event object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`,
    };
  }
  return { ok: true, event: value as Record<string, unknown> };
}
