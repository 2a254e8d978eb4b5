import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import type { AuditPort } from '../api/audit/audit-log.js';
import { OmnilaneError } from '../shared/errors.js';
import type { StateStore } from '../shared/ports/state-store.js';
import type { PrivacyConfig } from '../shared/privacy-config.js';
import { writePrivateFile } from '../shared/private-files.js';
import { DataKeyRing, StateStoreDataKeyVault } from '../shared/privacy/data-keys.js';
import { resealKeyCheck } from '../shared/privacy/key-check.js';
import { loadMasterKeys, loadPrivacyKeys, MASTER_KEY_FILE } from '../shared/privacy/key-files.js';
import { LocalMasterKeys } from '../shared/privacy/master-keys.js';

/** Where a privacy command writes (the command's stdout and stderr). */
export interface PrivacyIo {
  stdout(s: string): void;
  stderr(s: string): void;
}

export interface KeyRotationDeps {
  dataDir: string;
  privacy: PrivacyConfig;
  state: StateStore;
  audit: Pick<AuditPort, 'record'>;
}

export const KEY_USAGE = 'omnilane privacy rotate-master-key | omnilane privacy rotate-data-keys [CUSTOMER_ID ...]';

const actor = () => ({ id: `cli:${userInfo().username}` });

/**
 * `omnilane privacy rotate-master-key` (docs/privacy.md, "Rotation"): adds a new master key to the key ring file, makes
 * it current, and re-wraps every data key under it while the servers keep serving (they still hold the old key,
 * which stays in the ring). Data is never re-encrypted: only the wrapped data keys change.
 */
export async function rotateMasterKey(io: PrivacyIo, d: KeyRotationDeps): Promise<number> {
  if (d.privacy.masterKey) {
    throw new OmnilaneError('CFG_ERR_INVALID', 'PRIVACY_MASTER_KEY holds one key: rotation needs a key ring file (PRIVACY_MASTER_KEY_FILE)');
  }
  const path = d.privacy.masterKeyFile ?? join(d.dataDir, MASTER_KEY_FILE);
  const before = loadMasterKeys(d.dataDir, d.privacy, false);
  const doc = JSON.parse(readFileSync(path, 'utf8')) as { current: string; keys: Record<string, string> };
  let n = Object.keys(doc.keys).length + 1;
  while (doc.keys[`mk${n}`]) n++;
  const id = `mk${n}`;
  const next = { current: id, keys: { ...doc.keys, [id]: randomBytes(32).toString('base64') } };
  const master = LocalMasterKeys.fromJson(JSON.stringify(next)); // validates before the file changes
  writePrivateFile(path, `${JSON.stringify(next, null, 2)}\n`);
  const { blindKey } = loadPrivacyKeys(d.dataDir, d.privacy);
  const { rewrapped, skipped } = await new DataKeyRing(new StateStoreDataKeyVault(d.state), master).rewrapAll();
  await resealKeyCheck(d.state, master, blindKey);
  await d.audit.record({
    actor: actor(),
    action: 'privacy.rotate_master_key',
    target: 'privacy:master-key',
    after: { from: before.currentId(), to: id, rewrapped, skipped },
  });
  io.stderr(
    `master key ${id} is current (was ${before.currentId()}); ${rewrapped} data keys re-wrapped, ${skipped} already current or erased.\n` +
      'Restart every process so it loads the new ring, run this again to re-wrap keys created meanwhile, then retire the old key.\n',
  );
  return 0;
}

/**
 * `omnilane privacy rotate-data-keys [ID ...]`: a new data key version for each customer (all when none is named);
 * new values are sealed with it, old values keep opening with their version. Erased customers are skipped.
 */
export async function rotateDataKeys(ids: string[], io: PrivacyIo, d: KeyRotationDeps): Promise<number> {
  const vault = new StateStoreDataKeyVault(d.state);
  const ring = new DataKeyRing(vault, loadMasterKeys(d.dataDir, d.privacy, false));
  const owners = ids.length > 0 ? ids : await collect(vault.customerIds());
  let rotated = 0;
  let erased = 0;
  for (const owner of owners) {
    try {
      await ring.rotate(owner);
      rotated++;
    } catch (err) {
      if ((err as { code?: string }).code !== 'PRIV_ERR_KEY_DESTROYED') throw err;
      erased++;
    }
  }
  await d.audit.record({ actor: actor(), action: 'privacy.rotate_data_keys', target: 'privacy:data-keys', after: { rotated, erased, named: ids.length } });
  io.stderr(`${rotated} data keys rotated, ${erased} erased owners skipped. Processes pick up the new version within a minute (key cache).\n`);
  return 0;
}

async function collect(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const x of it) out.push(x);
  return out;
}
