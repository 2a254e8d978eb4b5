import { randomBytes } from 'node:crypto';
import type { StateStore } from '../../shared/ports/state-store.js';
import { privacyConfig } from '../../shared/privacy-config.js';
import { DataKeyRing, StateStoreDataKeyVault } from '../../shared/privacy/data-keys.js';
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
