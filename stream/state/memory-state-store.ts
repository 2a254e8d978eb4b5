import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from '../../shared/clock.js';
import { OmnilaneError } from '../../shared/errors.js';
import type { AtomicScript, LocalTx, SetEntry, StateStore } from '../../shared/ports/state-store.js';
import { JournalFile } from './journal-file.js';
import { replayJournal } from './journal-reader.js';
import { JournalRewrite } from './journal-rewrite.js';
import { applyOps, snapshotLines, type Entry, type Op } from './state-ops.js';

export interface MemoryStateStoreOptions {
  clock: Clock;
  /** Journal file; absent keeps state in memory only (tests). */
  journalPath?: string;
  /**
   * Rewrite the journal to the live state (in the background) once it is past
   * this many bytes and twice the size of the last rewrite. Default 64 MiB.
   */
  compactAtBytes?: number;
  /** Characters of snapshot written per event-loop turn while rewriting. Default 1 MiB. */
  compactSliceChars?: number;
  fsync?: boolean;
  /** Told when a background rewrite fails (the old journal stays complete; the next one waits for it to double). */
  onCompactionError?: (err: unknown) => void;
}

/** Journal figures for tests, metrics and the operations page. */
export interface JournalStats {
  /** Current journal size, bytes. */
  bytes: number;
  /** Size of the journal right after the last rewrite, bytes (0 before the first: see the constructor). */
  baseBytes: number;
  compacting: boolean;
  /** Rewrites completed since open. */
  compactions: number;
  /** Replay at open: lines, bytes and a torn tail cut off. */
  replayed: { lines: number; bytes: number; tornBytes: number };
}

/**
 * Embedded StateStore: maps in memory with Redis-like semantics, made durable
 * by a journal of the writes (like Redis' append-only file). Each call's
 * writes are one journal line, so an atomic script is replayed all or nothing.
 * Calls resolve after their line is written. The journal is rewritten to the
 * live state in the background (journal-rewrite.ts), never on a caller's turn.
 */
export class MemoryStateStore implements StateStore {
  private readonly data = new Map<string, Entry>();
  private journal?: JournalFile;
  private readonly compactAt: number;
  private readonly sweepTimer: NodeJS.Timeout;
  private closed = false;
  private rewrite?: JournalRewrite;
  private rewriteDone?: Promise<void>;
  private baseBytes = 0;
  private compactions = 0;
  private replayed = { lines: 0, bytes: 0, tornBytes: 0 };

  constructor(private readonly opts: MemoryStateStoreOptions) {
    this.compactAt = opts.compactAtBytes ?? 64 * 1024 * 1024;
    if (opts.journalPath) {
      mkdirSync(dirname(opts.journalPath), { recursive: true });
      // A rewrite a crash interrupted: the journal beside it is complete, the half-written file is not.
      rmSync(this.rewritePath, { force: true });
      rmSync(`${opts.journalPath}.tmp`, { force: true });
      this.replayed = replayJournal(opts.journalPath, (line) => {
        if (line) this.applyOps(JSON.parse(line) as Op[]);
      });
      this.journal = new JournalFile(opts.journalPath, opts.fsync);
      // baseBytes stays 0: a journal already past the threshold is rewritten (in the background) after the first
      // write, so how much of it is dead is never carried into the next start's replay.
    }
    this.sweepTimer = setInterval(() => this.sweep(), 30_000);
    this.sweepTimer.unref();
  }

  private get rewritePath(): string {
    return `${this.opts.journalPath}.rewrite`;
  }

  /** Journal figures (zeros without a journal). */
  journalStats(): JournalStats {
    return {
      bytes: this.journal?.size ?? 0,
      baseBytes: this.baseBytes,
      compacting: this.rewrite !== undefined,
      compactions: this.compactions,
      replayed: { ...this.replayed },
    };
  }

  /** Number of live keys (tests, metrics). */
  get size(): number {
    return this.data.size;
  }

  private applyOps(ops: Op[]): void {
    applyOps(this.data, ops);
  }

  private live(key: string): Entry | undefined {
    const e = this.data.get(key);
    if (!e) return undefined;
    if (e.exp !== 0 && e.exp <= this.opts.clock.now()) {
      this.data.delete(key);
      return undefined;
    }
    return e;
  }

  private sweep(): void {
    const now = this.opts.clock.now();
    for (const [k, e] of this.data) if (e.exp !== 0 && e.exp <= now) this.data.delete(k);
  }

  /** Runs `fn` against a synchronous transaction and journals its writes as one line. */
  private write<R>(fn: (tx: LocalTx) => R): Promise<R> {
    if (this.closed) return Promise.reject(new OmnilaneError('STATE_ERR_CLOSED', 'state store is closed'));
    const ops: Op[] = [];
    const result = fn(this.tx(ops));
    if (!this.journal || ops.length === 0) return Promise.resolve(result);
    const line = JSON.stringify(ops);
    const done = this.journal.append([line]);
    this.rewrite?.capture(line);
    // Relative to the last rewrite, so live state above the threshold does not start a rewrite per write.
    if (!this.rewrite && this.journal.size > Math.max(this.compactAt, 2 * this.baseBytes)) void this.compactNow();
    return done.then(() => result);
  }

  /**
   * Starts a background rewrite of the journal to the live state (or joins the
   * one running); resolves when it has replaced the journal, was abandoned by
   * close(), or failed (reported to `onCompactionError`; the old journal stays).
   */
  compactNow(): Promise<void> {
    if (!this.journal || this.closed) return Promise.resolve();
    if (this.rewriteDone) return this.rewriteDone;
    const path = this.opts.journalPath!;
    const rewrite = new JournalRewrite({
      tmpPath: this.rewritePath,
      snapshot: snapshotLines(this.data, this.opts.clock),
      sliceChars: this.opts.compactSliceChars ?? 1024 * 1024,
      swap: (tmp, bytes) => {
        // Pending appends go to the old file first; the new one already holds their lines (captured).
        this.journal!.close();
        try {
          renameSync(tmp, path);
          // With fsync on, later writes are fsynced into the new file: the rename must be on disk before them.
          if (this.opts.fsync) fsyncDir(dirname(path));
        } finally {
          this.journal = new JournalFile(path, this.opts.fsync);
        }
        this.baseBytes = bytes;
        this.compactions++;
      },
    });
    this.rewrite = rewrite;
    this.rewriteDone = rewrite.done.then((outcome) => {
      this.rewrite = undefined;
      this.rewriteDone = undefined;
      if (outcome.status === 'failed') {
        // Back off until the journal doubles again rather than retry on every write.
        this.baseBytes = this.journal?.size ?? 0;
        this.opts.onCompactionError?.(outcome.error);
      }
    });
    return this.rewriteDone;
  }

  private tx(ops: Op[]): LocalTx {
    const now = () => this.opts.clock.now();
    const hash = (key: string): Map<string, string> | undefined => {
      const e = this.live(key);
      return e && e.v instanceof Map ? e.v : undefined;
    };
    const tx: LocalTx = {
      get: (key) => {
        const e = this.live(key);
        return e && typeof e.v === 'string' ? e.v : null;
      },
      set: (key, value, ttlMs) => {
        const op: Op = ['s', key, value, ttlMs ? now() + ttlMs : 0];
        this.applyOps([op]);
        ops.push(op);
      },
      setEphemeral: (key, value, ttlMs) => {
        this.applyOps([['s', key, value, now() + ttlMs]]);
      },
      del: (key) => {
        if (!this.live(key)) return false;
        const op: Op = ['d', key];
        this.applyOps([op]);
        ops.push(op);
        return true;
      },
      exists: (key) => this.live(key) !== undefined,
      incrBy: (key, delta) => {
        const e = this.live(key);
        const next = (e && typeof e.v === 'string' ? Number(e.v) : 0) + delta;
        const op: Op = ['s', key, String(next), e?.exp ?? 0];
        this.applyOps([op]);
        ops.push(op);
        return next;
      },
      hget: (key, field) => hash(key)?.get(field) ?? null,
      hset: (key, fields) => {
        const h = hash(key);
        const op: Op = ['h', key, fields, h ? this.live(key)!.exp : 0];
        // A new hash starts empty, but expiry is not journaled: an 'h' alone would merge, on replay, into the
        // fields the key had before it expired (Redis' HSET on an expired key starts a new hash too).
        const batch: Op[] = h ? [op] : [['d', key], op];
        this.applyOps(batch);
        ops.push(...batch);
      },
      hdel: (key, field) => {
        const h = hash(key);
        if (!h || !h.has(field)) return false;
        const op: Op = h.size === 1 ? ['d', key] : ['hd', key, field];
        this.applyOps([op]);
        ops.push(op);
        return true;
      },
      hincrBy: (key, field, delta) => {
        const next = Number(hash(key)?.get(field) ?? 0) + delta;
        tx.hset(key, { [field]: String(next) });
        return next;
      },
      hgetall: (key) => Object.fromEntries(hash(key) ?? []),
      pttl: (key) => {
        const e = this.live(key);
        if (!e) return -2;
        return e.exp === 0 ? -1 : e.exp - now();
      },
      pexpire: (key, ttlMs) => {
        if (!this.live(key)) return false;
        const op: Op = ['x', key, now() + ttlMs];
        this.applyOps([op]);
        ops.push(op);
        return true;
      },
    };
    return tx;
  }

  private readString(key: string): string | null {
    const e = this.live(key);
    return e && typeof e.v === 'string' ? e.v : null;
  }
  async get(key: string): Promise<string | null> {
    return this.readString(key);
  }
  async getMany(keys: string[]): Promise<Array<string | null>> {
    return keys.map((k) => this.readString(k));
  }
  set(key: string, value: string, ttlMs?: number): Promise<void> {
    return this.write((tx) => tx.set(key, value, ttlMs));
  }
  setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    return this.write((tx) => {
      if (tx.exists(key)) return false;
      tx.set(key, value, ttlMs);
      return true;
    });
  }
  setMany(entries: SetEntry[]): Promise<void> {
    return this.write((tx) => {
      for (const e of entries) tx.set(e.key, e.value, e.ttlMs);
    });
  }
  del(keys: string[]): Promise<number> {
    return this.write((tx) => keys.filter((k) => tx.del(k)).length);
  }
  incrBy(key: string, delta: number): Promise<number> {
    return this.write((tx) => tx.incrBy(key, delta));
  }
  hset(key: string, fields: Record<string, string>): Promise<void> {
    return this.write((tx) => tx.hset(key, fields));
  }
  async hgetall(key: string): Promise<Record<string, string>> {
    return this.tx([]).hgetall(key);
  }
  hincrBy(key: string, field: string, delta: number): Promise<number> {
    return this.write((tx) => tx.hincrBy(key, field, delta));
  }
  expire(key: string, ttlMs: number): Promise<boolean> {
    return this.write((tx) => tx.pexpire(key, ttlMs));
  }
  async pttl(key: string): Promise<number> {
    return this.tx([]).pttl(key);
  }
  atomic<R>(script: AtomicScript<R>, keys: string[], args: string[]): Promise<R> {
    return this.write((tx) => script.local(tx, keys, args));
  }
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweepTimer);
    // Abandon a rewrite at its next turn (SIGTERM must not wait for a whole snapshot): the old journal is complete.
    this.rewrite?.abort();
    await this.rewriteDone;
    this.journal?.close();
  }
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
