/** Synchronous view of the store inside an atomic script (embedded adapter). */
export interface LocalTx {
  get(key: string): string | null;
  set(key: string, value: string, ttlMs?: number): void;
  /**
   * A short-lived marker that need not survive a restart (Redis: SET PX, the
   * same as `set`; the embedded store keeps it out of its journal).
   */
  setEphemeral(key: string, value: string, ttlMs: number): void;
  del(key: string): boolean;
  exists(key: string): boolean;
  incrBy(key: string, delta: number): number;
  hget(key: string, field: string): string | null;
  hset(key: string, fields: Record<string, string>): void;
  /** Removes one field; true when it was there. A hash left empty is deleted (as Redis does). */
  hdel(key: string, field: string): boolean;
  hincrBy(key: string, field: string, delta: number): number;
  hgetall(key: string): Record<string, string>;
  /** Remaining time to live in ms; -1 without expiry, -2 when the key is absent. */
  pttl(key: string): number;
  pexpire(key: string, ttlMs: number): boolean;
}

/**
 * An atomic multi-key decision. The Redis adapter runs `lua` with EVALSHA; the
 * embedded adapter runs `local` synchronously. Both must return the same value
 * for the same state (the contract suite checks the scripts Omnilane ships).
 * `decode` turns Redis' raw reply into that value.
 */
export interface AtomicScript<R> {
  name: string;
  lua: string;
  local(tx: LocalTx, keys: string[], args: string[]): R;
  decode(raw: unknown): R;
}

export interface SetEntry {
  key: string;
  value: string;
  /** Time to live in ms; absent keeps the key until deleted. */
  ttlMs?: number;
}

/**
 * StateStore port: key/value, hashes, counters, expiry and atomic multi-key
 * operations. Adapters: in-process maps with a journal (embedded) and Redis.
 * Values are strings; callers encode JSON themselves.
 */
export interface StateStore {
  get(key: string): Promise<string | null>;
  /** Values in the order of `keys`, null where absent or expired. */
  getMany(keys: string[]): Promise<Array<string | null>>;
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Sets only when absent; true when this call set it. */
  setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean>;
  /** Writes every entry in one atomic step: all or none are visible. */
  setMany(entries: SetEntry[]): Promise<void>;
  del(keys: string[]): Promise<number>;
  incrBy(key: string, delta: number): Promise<number>;
  hset(key: string, fields: Record<string, string>): Promise<void>;
  hgetall(key: string): Promise<Record<string, string>>;
  hincrBy(key: string, field: string, delta: number): Promise<number>;
  /** Sets a time to live in ms; false when the key does not exist. */
  expire(key: string, ttlMs: number): Promise<boolean>;
  /** Remaining time to live in ms; -1 without expiry, -2 when absent. */
  pttl(key: string): Promise<number>;
  /** Runs an atomic script: nothing else touches the store while it runs. */
  atomic<R>(script: AtomicScript<R>, keys: string[], args: string[]): Promise<R>;
  close(): Promise<void>;
}
