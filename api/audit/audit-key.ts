import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OmnilaneError } from '../../shared/errors.js';
import { writePrivateFile } from '../../shared/private-files.js';

/**
 * The HMAC key that signs audit checkpoints: AUDIT_HMAC_KEY (hex or base64url, at least 32 bytes) when set,
 * otherwise `<DATA_DIR>/audit-hmac.key`, created once with mode 0600. Whoever holds it can re-sign a
 * rewritten chain, so in production it comes from the environment (a secret store), not the data disk.
 */
export function loadOrCreateAuditKey(dataDir: string, fromEnv?: string): Buffer {
  if (fromEnv) return parseKey(fromEnv, 'AUDIT_HMAC_KEY');
  const path = join(dataDir, 'audit-hmac.key');
  if (existsSync(path)) return parseKey(readFileSync(path, 'utf8').trim(), path);
  const key = randomBytes(32);
  writePrivateFile(path, key.toString('hex') + '\n');
  return key;
}

function parseKey(raw: string, from: string): Buffer {
  const key = /^[0-9a-f]+$/i.test(raw) && raw.length % 2 === 0 ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64url');
  if (key.length < 32) throw new OmnilaneError('CFG_ERR_INVALID', `${from}: the audit key must be at least 32 bytes (64 hex characters)`);
  return key;
}
