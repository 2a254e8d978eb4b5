import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { OmnilaneError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { OutageLog } from '../../shared/outage-log.js';
import type { AtomicScript, SetEntry, StateStore } from '../../shared/ports/state-store.js';

export interface RedisStateStoreOptions {
  /** `redis[s]://[user:pass@]host:port[/db]`. */
  url: string;
  /** Prepended to every key (e.g. `myapp:`), so deployments and test runs can share a server. */
  keyPrefix?: string;
  log?: Logger;
  /** Connect on the first command instead of at construction. */
  lazyConnect?: boolean;
  /** Longest one command waits (default 2000 ms); it fails with STATE_ERR_UNAVAILABLE after, as do connection errors. */
  commandTimeoutMs?: number;
  /** Rate-limited error log shared by the process's engines; without it connection errors go to `log` once each. */
  outages?: OutageLog;
  /** TLS with a private CA or a client certificate (REDIS_TLS_*); a rediss:// URL alone uses TLS with the system CAs. */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
}

const isNoScript = (err: unknown) => /NOSCRIPT/.test(String((err as Error | null)?.message ?? err));

/**
 * StateStore on Redis. Atomic decisions are Lua scripts run with EVALSHA
 * (loaded once per script, EVAL again when the server forgot it);
 * `setMany` is one MULTI/EXEC; `getMany` is one MGET. TTLs are Redis' own
 * (PX / PEXPIRE / PTTL), with the port's -1 / -2 conventions.
 */
export class RedisStateStore implements StateStore {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly shas = new Map<string, Promise<string>>();
  private readonly where: string;
  private closed = false;

  constructor(private readonly opts: RedisStateStoreOptions) {
    this.prefix = opts.keyPrefix ?? '';
    this.where = new URL(opts.url).host;
    this.redis = new Redis(opts.url, {
      lazyConnect: opts.lazyConnect ?? false,
      maxRetriesPerRequest: 3,
      enableAutoPipelining: true,
      commandTimeout: opts.commandTimeoutMs ?? 2000,
      // Reconnect quickly (at most every second) so a restarted Redis is used again at once.
      retryStrategy: (times: number) => Math.min(times * 100, 1000),
      ...(opts.tls ? { tls: opts.tls } : {}),
    });
    // Without a listener ioredis prints every reconnect error; report them rate-limited (or once each).
    let last = '';
    this.redis.on('error', (err: Error) => {
      if (opts.outages) return opts.outages.error('state', err, `redis ${this.where} connection error`);
      if (err.message === last) return;
      last = err.message;
      opts.log?.error({ err }, 'redis connection error');
    });
    this.redis.on('ready', () => {
      last = '';
      opts.outages?.recovered('state');
    });
  }

  /**
   * Runs a command; a connection failure or timeout becomes STATE_ERR_UNAVAILABLE naming the server (a
   * script's or command's own error, a ReplyError, passes through unchanged).
   */
  private async run<T>(fn: () => Promise<T>): Promise<T> {
    this.guard();
    try {
      const r = await fn();
      this.opts.outages?.recovered('state');
      return r;
    } catch (err) {
      if ((err as Error | null)?.name === 'ReplyError' || err instanceof OmnilaneError) throw err;
      const e = new OmnilaneError('STATE_ERR_UNAVAILABLE', `Redis ${this.where} did not answer: ${(err as Error)?.message ?? err}`, { cause: err });
      // A frozen server emits no connection error: the timed-out command is the only sign of the outage.
      this.opts.outages?.error('state', e, 'redis command failed');
      throw e;
    }
  }

  private k(key: string): string {
    return this.prefix + key;
  }

  private guard(): void {
    if (this.closed) throw new OmnilaneError('STATE_ERR_CLOSED', 'state store is closed');
  }

  async get(key: string): Promise<string | null> {
    return this.run(async () => {
      return this.redis.get(this.k(key));
    });
  }

  async getMany(keys: string[]): Promise<Array<string | null>> {
    return this.run(async () => {
      if (keys.length === 0) return [];
      return this.redis.mget(keys.map((k) => this.k(k)));
    });
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    return this.run(async () => {
      if (ttlMs && ttlMs > 0) await this.redis.set(this.k(key), value, 'PX', Math.ceil(ttlMs));
      else await this.redis.set(this.k(key), value);
    });
  }

  async setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    return this.run(async () => {
      const r = ttlMs && ttlMs > 0 ? await this.redis.set(this.k(key), value, 'PX', Math.ceil(ttlMs), 'NX') : await this.redis.set(this.k(key), value, 'NX');
      return r === 'OK';
    });
  }

  async setMany(entries: SetEntry[]): Promise<void> {
    return this.run(async () => {
      if (entries.length === 0) return;
      const tx = this.redis.multi();
      for (const e of entries) {
        if (e.ttlMs && e.ttlMs > 0) tx.set(this.k(e.key), e.value, 'PX', Math.ceil(e.ttlMs));
        else tx.set(this.k(e.key), e.value);
      }
      const res = await tx.exec();
      const failed = res?.find(([err]) => err);
      if (!res || failed) throw failed?.[0] ?? new Error('redis MULTI was aborted');
    });
  }

  async del(keys: string[]): Promise<number> {
    return this.run(async () => {
      if (keys.length === 0) return 0;
      return this.redis.del(...keys.map((k) => this.k(k)));
    });
  }

  async incrBy(key: string, delta: number): Promise<number> {
    return this.run(async () => {
      return this.redis.incrby(this.k(key), delta);
    });
  }

  async hset(key: string, fields: Record<string, string>): Promise<void> {
    return this.run(async () => {
      if (Object.keys(fields).length === 0) return;
      await this.redis.hset(this.k(key), fields);
    });
  }

  async hgetall(key: string): Promise<Record<string, string>> {
    return this.run(async () => {
      return this.redis.hgetall(this.k(key));
    });
  }

  async hincrBy(key: string, field: string, delta: number): Promise<number> {
    return this.run(async () => {
      return this.redis.hincrby(this.k(key), field, delta);
    });
  }

  async expire(key: string, ttlMs: number): Promise<boolean> {
    return this.run(async () => {
      return (await this.redis.pexpire(this.k(key), Math.ceil(ttlMs))) === 1;
    });
  }

  async pttl(key: string): Promise<number> {
    return this.run(async () => {
      return this.redis.pttl(this.k(key));
    });
  }

  private sha(script: AtomicScript<unknown>): Promise<string> {
    let p = this.shas.get(script.lua);
    if (!p) {
      p = (this.redis.script('LOAD', script.lua) as Promise<string>).catch((err: unknown) => {
        this.shas.delete(script.lua);
        throw err;
      });
      this.shas.set(script.lua, p);
    }
    return p;
  }

  async atomic<R>(script: AtomicScript<R>, keys: string[], args: string[]): Promise<R> {
    return this.run(async () => {
      const fullKeys = keys.map((k) => this.k(k));
      let raw: unknown;
      try {
        raw = await this.redis.evalsha(await this.sha(script), fullKeys.length, ...fullKeys, ...args);
      } catch (err) {
        if (!isNoScript(err)) throw err;
        // The server lost its script cache (restart, SCRIPT FLUSH): EVAL caches it again.
        raw = await this.redis.eval(script.lua, fullKeys.length, ...fullKeys, ...args);
      }
      return script.decode(raw);
    });
  }

  /** Sanity check for start-up and tests: the server answers. */
  async ping(): Promise<void> {
    await this.run(() => this.redis.ping());
  }

  /** Deletes every key under this store's prefix (tests); refuses without a prefix. */
  async clearPrefix(): Promise<number> {
    if (!this.prefix) throw new Error('clearPrefix needs a key prefix');
    let n = 0;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix.replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) n += await this.redis.del(...keys);
    } while (cursor !== '0');
    return n;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }
}

/** SHA1 of a script, as Redis computes it (handy for logs and tests). */
export const scriptSha = (lua: string) => createHash('sha1').update(lua).digest('hex');
