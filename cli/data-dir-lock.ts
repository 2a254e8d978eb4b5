import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { OmnilaneError } from '../shared/errors.js';

/** The lock file's name under DATA_DIR. */
export const LOCK_FILE = 'omnilane.lock';

/** What the lock file records about the process that holds the data directory. */
export interface LockOwner {
  pid: number;
  started_at: string;
  command: string;
  host: string;
}

/** A held lock: `release()` removes the file (idempotent; also done on process exit). */
export interface DataDirLock {
  readonly path: string;
  release(): void;
}

/** Lock files this process holds, removed on exit so a clean `process.exit` never leaves one behind. */
const held = new Set<string>();
let exitHook = false;

/** True when `pid` names a running process (EPERM: it runs under another user, still alive). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): LockOwner | null {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    return typeof v.pid === 'number'
      ? { pid: v.pid, started_at: String(v.started_at ?? ''), command: String(v.command ?? ''), host: String(v.host ?? '') }
      : null;
  } catch {
    return null;
  }
}

/** Alive, and not a file of this very process that it already released (a pid reused by us after a crash). */
function ownerRuns(owner: LockOwner | null, path: string): owner is LockOwner {
  if (!owner || !pidAlive(owner.pid)) return false;
  return owner.pid !== process.pid || held.has(path);
}

function inUse(dataDir: string, owner: LockOwner): OmnilaneError {
  const since = owner.started_at ? `, started ${owner.started_at}` : '';
  const cmd = owner.command ? `: ${owner.command}` : '';
  return new OmnilaneError(
    'CFG_ERR_DATA_DIR_IN_USE',
    `DATA_DIR ${dataDir} is in use by another Omnilane (pid ${owner.pid}${since}${cmd}). Stop that process first, or set DATA_DIR to another directory.`,
  );
}

/**
 * Takes DATA_DIR's lock file for the embedded engines (the bus and state journals and the DuckDB file belong to
 * one process). The file appears atomically with its contents (written aside, then hard-linked: `link` fails
 * when the name exists, like O_EXCL), so a concurrent starter never reads a half-written owner. A lock whose
 * process is gone (kill -9, power loss) is stale: it is moved aside under a unique name, re-read, and only
 * discarded when it still names a dead process, so two starters cannot both take over the same stale lock.
 * Throws CFG_ERR_DATA_DIR_IN_USE naming the running owner.
 */
export function acquireDataDirLock(dataDir: string, argv: readonly string[] = process.argv): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, started_at: new Date().toISOString(), command: ['omnilane', ...argv.slice(2)].join(' '), host: hostname() };
  const tmp = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`;
  writeFileSync(tmp, JSON.stringify(me) + '\n', { mode: 0o644 });
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(tmp, path);
        held.add(path);
        if (!exitHook) {
          exitHook = true;
          process.on('exit', () => {
            for (const p of held) removeIfOurs(p);
          });
        }
        return { path, release: () => removeIfOurs(path) };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const owner = readOwner(path);
      if (ownerRuns(owner, path)) throw inUse(dataDir, owner);
      // Stale (or unreadable): move it aside, then check that what we moved is still the dead owner.
      const aside = `${path}.stale.${process.pid}.${attempt}`;
      try {
        renameSync(path, aside);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // someone else cleared it: try again
        throw err;
      }
      const moved = readOwner(aside);
      if (ownerRuns(moved, path)) {
        // A live owner took the lock between our read and the rename: give it back (link fails if yet another one is there).
        try {
          linkSync(aside, path);
        } catch {
          /* the name is taken again: that owner stands */
        }
        unlinkQuiet(aside);
        throw inUse(dataDir, moved);
      }
      unlinkQuiet(aside);
    }
    const owner = readOwner(path);
    throw owner
      ? inUse(dataDir, owner)
      : new OmnilaneError('CFG_ERR_DATA_DIR_IN_USE', `DATA_DIR ${dataDir}: could not take ${LOCK_FILE}; another Omnilane keeps starting there`);
  } finally {
    unlinkQuiet(tmp);
  }
}

function unlinkQuiet(p: string): void {
  try {
    unlinkSync(p);
  } catch {
    /* already gone */
  }
}

/** Removes the lock only while it still names this process (never another owner's file). */
function removeIfOurs(path: string): void {
  if (!held.delete(path)) return;
  if (readOwner(path)?.pid === process.pid) unlinkQuiet(path);
}
