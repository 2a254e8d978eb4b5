import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { OmnilaneError } from './errors.js';

/** Personal-data encryption (docs/privacy.md, "Keys"). */
export interface PrivacyConfig {
  /** PRIVACY_ENCRYPTION (default on): personal fields sealed with per-customer AES-256-GCM keys before the bus. */
  encryption: boolean;
  /** PRIVACY_MASTER_KEY_FILE: a master key ring `{"current": id, "keys": {id: base64}}`; unset: DATA_DIR/privacy-master-keys.json. */
  masterKeyFile?: string;
  /** PRIVACY_MASTER_KEY: one master key (base64, 32 bytes) from the environment instead of a file. */
  masterKey?: string;
  /** PRIVACY_BLIND_KEY (hex, 32 bytes or more): the blind-index HMAC key; unset: DATA_DIR/privacy-blind.key, created once. */
  blindKey?: string;
  /** PRIVACY_PERSONAL_PROPERTIES: event properties sealed besides the default list (comma-separated names). */
  extraPersonalProperties: readonly string[];
  /** PRIVACY_DEAD_LETTER_DAYS (default 30): after this many days a day's dead-letter key is destroyed. */
  deadLetterDays: number;
}

type Env = Record<string, string | undefined>;

const fail = (name: string, why: string): never => {
  throw new OmnilaneError('CFG_ERR_INVALID', `${name}: ${why}`);
};

export function privacyConfig(env: Env): PrivacyConfig {
  const onOff = (env.PRIVACY_ENCRYPTION ?? '').trim().toLowerCase();
  if (onOff && !/^(1|true|yes|on|0|false|no|off)$/.test(onOff)) fail('PRIVACY_ENCRYPTION', `must be on or off, got ${JSON.stringify(onOff)}`);
  const fileName = env.PRIVACY_MASTER_KEY_FILE?.trim();
  if (fileName && !existsSync(fileName)) fail('PRIVACY_MASTER_KEY_FILE', `no such file: ${JSON.stringify(fileName)}`);
  const master = env.PRIVACY_MASTER_KEY?.trim();
  if (master && Buffer.from(master, 'base64').length !== 32) fail('PRIVACY_MASTER_KEY', 'must be 32 bytes in base64 (44 characters)');
  if (master && fileName) fail('PRIVACY_MASTER_KEY', 'set PRIVACY_MASTER_KEY or PRIVACY_MASTER_KEY_FILE, not both');
  const blind = env.PRIVACY_BLIND_KEY?.trim();
  if (blind && !/^[0-9a-fA-F]{64,512}$/.test(blind)) fail('PRIVACY_BLIND_KEY', 'must be 64 to 512 hex characters (32 bytes or more)');
  const extra = (env.PRIVACY_PERSONAL_PROPERTIES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const p of extra) if (!/^[A-Za-z0-9_.-]{1,64}$/.test(p)) fail('PRIVACY_PERSONAL_PROPERTIES', `not a property name: ${JSON.stringify(p)}`);
  const days = (env.PRIVACY_DEAD_LETTER_DAYS ?? '30').trim();
  if (!/^\d{1,4}$/.test(days) || Number(days) < 1) fail('PRIVACY_DEAD_LETTER_DAYS', `must be a whole number of days from 1, got ${JSON.stringify(days)}`);
  return {
    encryption: !/^(0|false|no|off)$/.test(onOff),
    deadLetterDays: Number(days),
    ...(fileName ? { masterKeyFile: resolve(fileName) } : {}),
    ...(master ? { masterKey: master } : {}),
    ...(blind ? { blindKey: blind } : {}),
    extraPersonalProperties: extra,
  };
}
