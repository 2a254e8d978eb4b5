import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OmnilaneError } from '../errors.js';
import type { PrivacyConfig } from '../privacy-config.js';
import { writePrivateFile } from '../private-files.js';
import { LocalMasterKeys } from './master-keys.js';

export const MASTER_KEY_FILE = 'privacy-master-keys.json';
export const BLIND_KEY_FILE = 'privacy-blind.key';

/**
 * The master key ring and the blind-index key: from the environment or named files when set, otherwise files in
 * DATA_DIR created once (0600), like the audit key. Every process of one deployment must hold the same keys, so a
 * distributed deployment sets them from a secret store (docs/privacy.md, "Keys"); a lost master key loses the data.
 */
export function loadPrivacyKeys(dataDir: string, cfg: PrivacyConfig): { master: LocalMasterKeys; blindKey: Buffer } {
  return { master: loadMasterKeys(dataDir, cfg), blindKey: loadBlindKey(dataDir, cfg) };
}

export function loadMasterKeys(dataDir: string, cfg: Pick<PrivacyConfig, 'masterKey' | 'masterKeyFile'>, create = true): LocalMasterKeys {
  if (cfg.masterKey) return new LocalMasterKeys({ env: Buffer.from(cfg.masterKey, 'base64') }, 'env');
  const path = cfg.masterKeyFile ?? join(dataDir, MASTER_KEY_FILE);
  if (!existsSync(path)) {
    if (!create) throw new OmnilaneError('PRIV_ERR_MASTER_KEY', `no master key file at ${path}`);
    writePrivateFile(path, LocalMasterKeys.newKeyRingJson());
  }
  return LocalMasterKeys.fromFile(path);
}

function loadBlindKey(dataDir: string, cfg: PrivacyConfig): Buffer {
  if (cfg.blindKey) return Buffer.from(cfg.blindKey, 'hex');
  const path = join(dataDir, BLIND_KEY_FILE);
  if (existsSync(path)) {
    const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'hex');
    if (key.length < 32) throw new OmnilaneError('PRIV_ERR_MASTER_KEY', `${path}: the blind-index key must be at least 32 bytes`);
    return key;
  }
  const key = randomBytes(32);
  writePrivateFile(path, key.toString('hex') + '\n');
  return key;
}
