import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';

/** Totals of an import so far (all runs of it). */
export interface ImportCounts {
  /** Records read: events and rejected lines (blank lines are not counted). */
  lines: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  byCode: Record<string, number>;
}

/** What the input was and where it went: a checkpoint only resumes the same import. */
export interface ImportIdentity {
  /** Size and SHA-256 of the first 64 KiB of the input. */
  size: number;
  head: string;
  format: string;
  /** The CSV mapping (columns and constants) as JSON; '' for JSON lines. */
  mapping: string;
  /** `embedded:<DATA_DIR>`, `kafka:<brokers>` or the --url. */
  target: string;
}

/**
 * Progress acknowledged by the pipeline. `nextByte`/`nextLine` are where the first record not yet acknowledged
 * starts; `reportBytes` is the report file's size at that point (a resumed import cuts it back, so a batch
 * that was sent again after a crash is not reported twice).
 */
export interface ImportCheckpoint {
  version: 1;
  identity: ImportIdentity;
  nextByte: number;
  nextLine: number;
  reportBytes: number;
  counts: ImportCounts;
  done: boolean;
}

export const emptyCounts = (): ImportCounts => ({ lines: 0, accepted: 0, duplicates: 0, rejected: 0, byCode: {} });

const HEAD_BYTES = 64 * 1024;

/** Size and head hash of a file: cheap, and enough to notice that a different or edited file is being resumed. */
export function fingerprint(path: string): { size: number; head: string } {
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(Math.min(size, HEAD_BYTES));
    readSync(fd, buf, 0, buf.length, 0);
    return { size, head: createHash('sha256').update(buf).digest('hex') };
  } finally {
    closeSync(fd);
  }
}

/** Why a checkpoint cannot resume this import, or null when it can. */
export function checkpointMismatch(c: ImportCheckpoint, id: ImportIdentity): string | null {
  if (c.version !== 1) return `checkpoint version ${String(c.version)} is not 1`;
  const diff = (Object.keys(id) as Array<keyof ImportIdentity>).filter((k) => c.identity[k] !== id[k]);
  if (diff.length === 0) return null;
  const what: Record<keyof ImportIdentity, string> = {
    size: 'the file size',
    head: 'the file contents',
    format: 'the format',
    mapping: 'the CSV mapping',
    target: 'the target',
  };
  return `the checkpoint was written for another import (${diff.map((k) => what[k]).join(', ')} differ)`;
}

/** Reads a checkpoint; null when there is none. Throws when the file is unreadable or not a checkpoint. */
export function readCheckpoint(path: string): ImportCheckpoint | null {
  if (!existsSync(path)) return null;
  const c = JSON.parse(readFileSync(path, 'utf8')) as ImportCheckpoint;
  if (typeof c !== 'object' || c === null || typeof c.nextByte !== 'number' || !c.identity || !c.counts) throw new Error(`${path} is not an import checkpoint`);
  return c;
}

/** Writes a checkpoint atomically (temp file + rename): a crash leaves the old or the new one, never half of one. */
export function writeCheckpoint(path: string, c: ImportCheckpoint): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify(c, null, 1));
  renameSync(tmp, path);
}
