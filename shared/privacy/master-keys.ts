import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { OmnilaneError } from '../errors.js';

/**
 * A data key wrapped (encrypted) by a master key: what is stored, never the data key itself.
 * `mk` names the master key so that old wraps stay readable while a rotation re-wraps them.
 */
export interface WrappedKey {
  mk: string;
  /** base64url of iv (12 bytes) ‖ ciphertext (32 bytes) ‖ GCM tag (16 bytes) */
  blob: string;
}

/**
 * Master-key port. The local provider below keeps master keys in a key file or the environment; a KMS adapter
 * (AWS KMS, Vault transit, Alibaba Cloud KMS) implements the same three calls and never reveals its key.
 * `aad` binds a wrap to its owner (the customer id), so a wrapped key copied to another customer does not unwrap.
 */
export interface MasterKeyProvider {
  /** The master key new wraps use. */
  currentId(): string;
  wrap(dataKey: Buffer, aad: string): Promise<WrappedKey>;
  unwrap(wrapped: WrappedKey, aad: string): Promise<Buffer>;
}

const KEY_BYTES = 32;

// Random IVs drawn from the CSPRNG 4,096 at a time: one randomBytes call per IV cost as much as the AES operation
// itself on the hot path. Each IV is used once (random 96-bit IVs; a key seals far fewer than 2^32 values).
const IV_BYTES = 12;
const IV_BATCH = 4096;
let ivPool = Buffer.alloc(0);
let ivAt = 0;
function nextIv(): Buffer {
  if (ivAt >= ivPool.length) {
    ivPool = randomBytes(IV_BYTES * IV_BATCH);
    ivAt = 0;
  }
  ivAt += IV_BYTES;
  return ivPool.subarray(ivAt - IV_BYTES, ivAt);
}

/** AES-256-GCM seal of `plain` under `key` with `aad`: iv ‖ ciphertext ‖ tag. */
export function seal(key: Buffer, plain: Buffer, aad: string): Buffer {
  const iv = nextIv();
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([c.update(plain), c.final()]);
  return Buffer.concat([iv, body, c.getAuthTag()]);
}

/** Opens what `seal` made; throws PRIV_ERR_DECRYPT when the key, the aad or any byte is wrong. */
export function open(key: Buffer, sealed: Buffer, aad: string): Buffer {
  if (sealed.length < 28) throw new OmnilaneError('PRIV_ERR_DECRYPT', 'ciphertext too short');
  try {
    const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
    d.setAAD(Buffer.from(aad, 'utf8'));
    d.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([d.update(sealed.subarray(12, sealed.length - 16)), d.final()]);
  } catch (err) {
    throw new OmnilaneError('PRIV_ERR_DECRYPT', 'authentication failed: wrong key or tampered ciphertext', { cause: err });
  }
}

/**
 * Master keys held locally: a key ring `{ "current": "mk2", "keys": { "mk1": "<base64 32 bytes>", "mk2": "…" } }`
 * from a file (PRIVACY_MASTER_KEY_FILE, mode 0600) or one key from the environment (PRIVACY_MASTER_KEY, id `env`).
 * Rotation: add a key, make it current, run the re-wrap; retire the old key only when nothing names it.
 */
export class LocalMasterKeys implements MasterKeyProvider {
  private readonly keys: Map<string, Buffer>;
  constructor(
    keys: Record<string, Buffer>,
    private readonly current: string,
  ) {
    this.keys = new Map(Object.entries(keys));
    for (const [id, k] of this.keys) {
      if (k.length !== KEY_BYTES) throw new OmnilaneError('PRIV_ERR_MASTER_KEY', `master key ${id} is not 32 bytes`);
    }
    if (!this.keys.has(current)) throw new OmnilaneError('PRIV_ERR_MASTER_KEY', `current master key ${current} is not in the key ring`);
  }

  /** Parses a key-ring JSON document (the file form). */
  static fromJson(text: string): LocalMasterKeys {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new OmnilaneError('PRIV_ERR_MASTER_KEY', 'master key file is not JSON', { cause: err });
    }
    const d = doc as { current?: unknown; keys?: unknown };
    if (typeof d.current !== 'string' || typeof d.keys !== 'object' || d.keys === null) {
      throw new OmnilaneError('PRIV_ERR_MASTER_KEY', 'master key file needs {"current": id, "keys": {id: base64}}');
    }
    const keys: Record<string, Buffer> = {};
    for (const [id, v] of Object.entries(d.keys as Record<string, unknown>)) {
      if (typeof v !== 'string') throw new OmnilaneError('PRIV_ERR_MASTER_KEY', `master key ${id} is not a base64 string`);
      keys[id] = Buffer.from(v, 'base64');
    }
    return new LocalMasterKeys(keys, d.current);
  }

  static fromFile(path: string): LocalMasterKeys {
    return LocalMasterKeys.fromJson(readFileSync(path, 'utf8'));
  }

  /** A fresh key ring document with one random key (what `omnilane privacy init` writes). */
  static newKeyRingJson(id = 'mk1'): string {
    return `${JSON.stringify({ current: id, keys: { [id]: randomBytes(KEY_BYTES).toString('base64') } }, null, 2)}\n`;
  }

  currentId(): string {
    return this.current;
  }

  wrap(dataKey: Buffer, aad: string): Promise<WrappedKey> {
    const key = this.keys.get(this.current)!;
    return Promise.resolve({ mk: this.current, blob: seal(key, dataKey, `dk:${aad}`).toString('base64url') });
  }

  async unwrap(wrapped: WrappedKey, aad: string): Promise<Buffer> {
    const key = this.keys.get(wrapped.mk);
    if (!key) throw new OmnilaneError('PRIV_ERR_MASTER_KEY', `master key ${wrapped.mk} is not in the key ring`);
    return open(key, Buffer.from(wrapped.blob, 'base64url'), `dk:${aad}`); // async: a failed open rejects, never throws
  }
}
