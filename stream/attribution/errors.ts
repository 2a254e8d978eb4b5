import { ERROR_CATALOGUE } from '../../shared/errors.js';

/** The attribution module's codes, from the shared error catalogue. Codes are stable; messages name the offending line or option. */
const ATTR_CODES = ['ATTR_ERR_BAD_CSV', 'ATTR_ERR_BAD_ARGS', 'ATTR_ERR_NO_SOURCE', 'ATTR_ERR_IO', 'ATTR_ERR_BAD_INPUT'] as const;

export const ATTRIBUTION_ERRORS = Object.fromEntries(ATTR_CODES.map((c) => [c, ERROR_CATALOGUE[c].meaning])) as Record<(typeof ATTR_CODES)[number], string>;

export type AttributionErrorCode = keyof typeof ATTRIBUTION_ERRORS;

/** Thrown by the pure models only for programmer errors (invalid in-memory input); parsers return results. */
export class AttributionError extends Error {
  readonly code: AttributionErrorCode;
  constructor(code: AttributionErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'AttributionError';
    this.code = code;
  }
}
