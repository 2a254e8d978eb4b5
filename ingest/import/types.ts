import type { ErrorCode } from '../../shared/errors.js';

/** Codes a line can be rejected with before it reaches the pipeline (the pipeline's own are ING_ERR_…). */
export type ImportLineCode = Extract<ErrorCode, 'IMPORT_ERR_NOT_JSON' | 'IMPORT_ERR_BAD_CSV' | 'IMPORT_ERR_TOO_LARGE'>;

/** What one line (JSONL) or row (CSV) of an import file becomes: an event to send, a rejection, or nothing. */
export type LineResult = { ok: true; event: Record<string, unknown> } | { ok: false; code: ImportLineCode; reason: string };

/**
 * One record of the file: the line it starts on, and where the next record starts (byte offset `end`, line
 * `next`), which is what a checkpoint stores.
 */
export type ImportRecord = LineResult & { line: number; end: number; next: number };

/** A rejected line as the report file and the summary show it. */
export interface RejectedLine {
  line: number;
  code: ErrorCode;
  reason: string;
}

export type ImportFormat = 'jsonl' | 'csv';
