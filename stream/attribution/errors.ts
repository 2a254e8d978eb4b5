/**
 * Error catalogue of the attribution module. Codes are stable; messages name the offending line or option.
 * (To be folded into the shared catalogue once it exists.)
 */
export const ATTRIBUTION_ERRORS = {
  ATTR_ERR_BAD_CSV: 'The path CSV is malformed: missing column, bad number, empty path, or unterminated quote.',
  ATTR_ERR_BAD_ARGS: 'The command line has an unknown flag, a missing value, or a value out of range.',
  ATTR_ERR_NO_SOURCE: 'No --input was given and no warehouse journey loader is wired.',
  ATTR_ERR_IO: 'The input file could not be read.',
  ATTR_ERR_BAD_INPUT: 'Paths handed to a model are invalid: empty path, negative or non-finite counts.',
} as const;

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
