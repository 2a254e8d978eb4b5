import { randomBytes } from 'node:crypto';
import type { StateStore } from '../../shared/ports/state-store.js';
import { privacyConfig } from '../../shared/privacy-config.js';
import { DataKeyRing, StateStoreDataKeyVault, type DataKeyVault, type StoredDataKeys } from '../../shared/privacy/data-keys.js';
import { loadPrivacyKeys } from '../../shared/privacy/key-files.js';
import { EncryptedPersonalData } from '../../shared/privacy/personal-data.js';

/**
 * The environment every process of one test deployment shares when they do not share a DATA_DIR: one master key
 * and one blind-index key (docs/privacy.md, "Keys"), as a real distributed deployment sets them from a secret store.
 */
export function sharedPrivacyKeys(): { PRIVACY_MASTER_KEY: string; PRIVACY_BLIND_KEY: string } {
  return { PRIVACY_MASTER_KEY: randomBytes(32).toString('base64'), PRIVACY_BLIND_KEY: randomBytes(32).toString('hex') };
}

/** The PersonalData a process started with `keys` builds (for a test that builds one part of a process by hand). */
export function personalDataFor(keys: ReturnType<typeof sharedPrivacyKeys>, state: StateStore): EncryptedPersonalData {
  const { master, blindKey } = loadPrivacyKeys('', privacyConfig(keys));
  return new EncryptedPersonalData(new DataKeyRing(new StateStoreDataKeyVault(state), master), blindKey);
}

/** Wrapped data keys in a map, stored as JSON like the StateStore vault (tests of the privacy module alone). */
export class MapVault implements DataKeyVault {
  readonly map = new Map<string, string>();
  get(id: string) {
    const raw = this.map.get(id);
    return Promise.resolve(raw ? (JSON.parse(raw) as StoredDataKeys) : null);
  }
  async putIfAbsent(rec: StoredDataKeys) {
    if (!this.map.has(rec.customerId)) this.map.set(rec.customerId, JSON.stringify(rec));
    return (await this.get(rec.customerId))!;
  }
  put(rec: StoredDataKeys) {
    this.map.set(rec.customerId, JSON.stringify(rec));
    return Promise.resolve();
  }
  async *customerIds() {
    yield* [...this.map.keys()];
  }
}
