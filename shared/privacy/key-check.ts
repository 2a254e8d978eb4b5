import { createHmac, randomBytes } from 'node:crypto';
import { OmnilaneError } from '../errors.js';
import type { StateStore } from '../ports/state-store.js';
import type { MasterKeyProvider, WrappedKey } from './master-keys.js';

const CHECK_KEY = 'pdk-check';
const CANARY_AAD = 'omnilane-key-check';

interface KeyCheck {
  /** A random value wrapped by the master key that wrapped the data keys. */
  canary: WrappedKey;
  /** HMAC of a fixed text under the blind-index key. */
  blind: string;
}

const blindMark = (blindKey: Buffer) => createHmac('sha256', blindKey).update('omnilane-blind-index-check').digest('hex');

/**
 * Every process of a deployment must hold the same master and blind-index keys (docs/privacy.md, "Keys"): a process
 * started with other keys would seal values nobody else can open and create new customers for known phones. The
 * first process records a check beside the data keys; every later start compares and refuses to run on a mismatch
 * (PRIV_ERR_MASTER_KEY), before it seals or blinds anything.
 */
export async function checkPrivacyKeys(state: StateStore, master: MasterKeyProvider, blindKey: Buffer): Promise<void> {
  const mine: KeyCheck = { canary: await master.wrap(randomBytes(16), CANARY_AAD), blind: blindMark(blindKey) };
  if (await state.setIfAbsent(CHECK_KEY, JSON.stringify(mine))) return;
  const raw = await state.get(CHECK_KEY);
  if (raw === null) return; // removed meanwhile: the next start records it again
  const theirs = JSON.parse(raw) as KeyCheck;
  try {
    await master.unwrap(theirs.canary, CANARY_AAD);
  } catch (err) {
    throw new OmnilaneError(
      'PRIV_ERR_MASTER_KEY',
      `the master key (PRIVACY_MASTER_KEY / PRIVACY_MASTER_KEY_FILE) is not the one this deployment's data keys are wrapped with (master key ${theirs.canary.mk}); every process must hold the same key ring`,
      { cause: err },
    );
  }
  if (theirs.blind !== mine.blind) {
    throw new OmnilaneError(
      'PRIV_ERR_MASTER_KEY',
      "the blind-index key (PRIVACY_BLIND_KEY) is not this deployment's: lookups would miss every stored identifier; every process must hold the same key",
    );
  }
}

/** After a master-key rotation: the check is wrapped again under the current master key (the old one may then go). */
export async function resealKeyCheck(state: StateStore, master: MasterKeyProvider, blindKey: Buffer): Promise<void> {
  const check: KeyCheck = { canary: await master.wrap(randomBytes(16), CANARY_AAD), blind: blindMark(blindKey) };
  await state.set(CHECK_KEY, JSON.stringify(check));
}
