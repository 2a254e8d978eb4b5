import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { OmnilaneError } from '../errors.js';
import type { StateStore } from '../ports/state-store.js';
import { decryptField, encryptField, fieldKeyVersion } from './field-cipher.js';
import type { MasterKeyProvider, WrappedKey } from './master-keys.js';

/** A customer's data keys as stored: wrapped by a master key, one per version; a tombstone once destroyed. */
export interface StoredDataKeys {
  customerId: string;
  current: number;
  keys: Record<string, WrappedKey>;
  /** Set when the keys were destroyed (erasure): the record stays so nothing recreates a key for the id. */
  destroyedAt?: number;
}

/** Where wrapped data keys live. Adapters: the StateStore (below) and, in tests, a map. */
export interface DataKeyVault {
  get(customerId: string): Promise<StoredDataKeys | null>;
  /** Stores `rec` unless a record exists; returns the stored record (the race's winner). */
  putIfAbsent(rec: StoredDataKeys): Promise<StoredDataKeys>;
  put(rec: StoredDataKeys): Promise<void>;
  /** Every customer id with a record (for a master-key re-wrap). */
  customerIds(): AsyncIterable<string>;
}

/** How long an unwrapped data key is used before the vault is asked again (DataKeyRing's default). */
export const KEY_CACHE_TTL_MS = 60_000;

/**
 * Per-customer data keys (envelope encryption): each customer's personal fields are sealed with that customer's
 * AES-256 data key; the data key is stored only wrapped by a master key. Destroying a customer's keys makes every
 * copy of their ciphertext anywhere (bus segments, Kafka, backups) unreadable: crypto-shredding.
 * Unwrapped keys are cached in memory (bounded, least recently used out) so the hot path costs one lookup.
 */
export class DataKeyRing {
  private readonly cache: LRUCache<string, { current: number; keys: Map<number, Buffer> }>;

  /**
   * `cacheTtlMs`: how long an unwrapped key is used without asking the vault again, so an erasure run by another
   * process (which destroys the key there) stops this one from reading or writing with it within that time.
   */
  constructor(
    private readonly vault: DataKeyVault,
    private readonly master: MasterKeyProvider,
    // A customer's unwrapped key is ~200 bytes here; 10,000 (the bench's customer count) missed ~2,400 times in 40,000
    // events, each miss a state read and an AES unwrap.
    cacheSize = 50_000,
    cacheTtlMs = KEY_CACHE_TTL_MS,
  ) {
    // The TTL counts from when the key was read from the vault, not from its last use (no updateAgeOnGet).
    this.cache = new LRUCache({ max: cacheSize, ttl: cacheTtlMs });
  }

  private cached(customerId: string): { current: number; keys: Map<number, Buffer> } | undefined {
    return this.cache.get(customerId);
  }

  async encrypt(customerId: string, field: string, plaintext: string): Promise<string> {
    const { version, key } = await this.keyForWrite(customerId);
    return encryptField(key, version, plaintext, customerId, field);
  }

  /** Throws PRIV_ERR_KEY_DESTROYED for an erased customer and PRIV_ERR_DECRYPT for a tampered value. */
  async decrypt(customerId: string, field: string, value: string): Promise<string> {
    const key = await this.keyForRead(customerId, fieldKeyVersion(value));
    return decryptField(key, value, customerId, field);
  }

  async keyForWrite(customerId: string): Promise<{ version: number; key: Buffer }> {
    const hit = this.cached(customerId);
    if (hit) return { version: hit.current, key: hit.keys.get(hit.current)! };
    let rec = await this.vault.get(customerId);
    if (!rec) {
      const key = randomBytes(32);
      const wrapped = await this.master.wrap(key, customerId);
      rec = await this.vault.putIfAbsent({ customerId, current: 1, keys: { '1': wrapped } });
      // Our key won the race: it is in hand, so no unwrap (a new customer is a third of the bench's events).
      if (rec.keys['1']?.blob === wrapped.blob) {
        this.remember(customerId, 1, new Map([[1, key]]));
        return { version: 1, key };
      }
    }
    const loaded = await this.load(rec);
    return { version: loaded.current, key: loaded.keys.get(loaded.current)! };
  }

  async keyForRead(customerId: string, version: number): Promise<Buffer> {
    const key = this.cached(customerId)?.keys.get(version);
    if (key) return key;
    const rec = await this.vault.get(customerId);
    if (!rec) throw new OmnilaneError('PRIV_ERR_KEY_DESTROYED', 'no data key for this customer');
    const loaded = await this.load(rec);
    const k = loaded.keys.get(version);
    if (!k) throw new OmnilaneError('PRIV_ERR_DECRYPT', `no data key version ${version} for this customer`);
    return k;
  }

  /** A new data key version for new writes; old versions stay to read what they sealed. */
  async rotate(customerId: string): Promise<number> {
    const rec = await this.vault.get(customerId);
    if (rec?.destroyedAt) throw new OmnilaneError('PRIV_ERR_KEY_DESTROYED', 'the customer was erased');
    if (!rec) return (await this.keyForWrite(customerId)).version;
    const next = rec.current + 1;
    await this.vault.put({ ...rec, current: next, keys: { ...rec.keys, [String(next)]: await this.master.wrap(randomBytes(32), customerId) } });
    this.cache.delete(customerId);
    return next;
  }

  /** Crypto-shredding: the keys are gone for good; the tombstone keeps the id from getting new keys silently. */
  async destroy(customerId: string, now: number): Promise<void> {
    await this.vault.put({ customerId, current: 0, keys: {}, destroyedAt: now });
    this.cache.delete(customerId);
  }

  /** Re-wraps every data key under the current master key (master-key rotation; runs while the system serves). */
  async rewrapAll(): Promise<{ rewrapped: number; skipped: number }> {
    const mk = this.master.currentId();
    let rewrapped = 0;
    let skipped = 0;
    for await (const id of this.vault.customerIds()) {
      const rec = await this.vault.get(id);
      if (!rec || rec.destroyedAt || Object.values(rec.keys).every((w) => w.mk === mk)) {
        skipped++;
        continue;
      }
      const keys: Record<string, WrappedKey> = {};
      for (const [v, w] of Object.entries(rec.keys)) keys[v] = w.mk === mk ? w : await this.master.wrap(await this.master.unwrap(w, id), id);
      await this.vault.put({ ...rec, keys });
      rewrapped++;
    }
    return { rewrapped, skipped };
  }

  private async load(rec: StoredDataKeys): Promise<{ current: number; keys: Map<number, Buffer> }> {
    if (rec.destroyedAt) throw new OmnilaneError('PRIV_ERR_KEY_DESTROYED', 'the customer was erased: their data key is destroyed');
    const keys = new Map<number, Buffer>();
    for (const [v, w] of Object.entries(rec.keys)) keys.set(Number(v), await this.master.unwrap(w, rec.customerId));
    return this.remember(rec.customerId, rec.current, keys);
  }

  private remember(customerId: string, current: number, keys: Map<number, Buffer>): { current: number; keys: Map<number, Buffer> } {
    const entry = { current, keys };
    this.cache.set(customerId, entry);
    return entry;
  }
}

const VAULT_PREFIX = 'pdk:';
const VAULT_INDEX = 'pdk-index';

/**
 * The vault on the StateStore (the embedded journal, or Redis with AOF persistence on: losing the vault loses
 * the personal data it protects, so docs/privacy.md asks for `appendonly yes`). One key per customer and an
 * index hash for the re-wrap walk.
 */
export class StateStoreDataKeyVault implements DataKeyVault {
  constructor(private readonly state: StateStore) {}

  async get(customerId: string): Promise<StoredDataKeys | null> {
    const raw = await this.state.get(VAULT_PREFIX + customerId);
    return raw ? (JSON.parse(raw) as StoredDataKeys) : null;
  }

  async putIfAbsent(rec: StoredDataKeys): Promise<StoredDataKeys> {
    if (await this.state.setIfAbsent(VAULT_PREFIX + rec.customerId, JSON.stringify(rec))) {
      await this.state.hset(VAULT_INDEX, { [rec.customerId]: '1' });
      return rec;
    }
    return (await this.get(rec.customerId))!;
  }

  async put(rec: StoredDataKeys): Promise<void> {
    await this.state.set(VAULT_PREFIX + rec.customerId, JSON.stringify(rec));
    await this.state.hset(VAULT_INDEX, { [rec.customerId]: '1' });
  }

  async *customerIds(): AsyncIterable<string> {
    yield* Object.keys(await this.state.hgetall(VAULT_INDEX));
  }
}
