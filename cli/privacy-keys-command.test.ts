import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { manualClock } from '../shared/clock.js';
import { privacyConfig } from '../shared/privacy-config.js';
import { DataKeyRing, StateStoreDataKeyVault } from '../shared/privacy/data-keys.js';
import { checkPrivacyKeys } from '../shared/privacy/key-check.js';
import { loadPrivacyKeys, MASTER_KEY_FILE } from '../shared/privacy/key-files.js';
import { LocalMasterKeys } from '../shared/privacy/master-keys.js';
import { EncryptedPersonalData } from '../shared/privacy/personal-data.js';
import { MemoryStateStore } from '../stream/state/memory-state-store.js';
import { runPrivacyCommand } from './privacy-command.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function setup() {
  const dataDir = mkdtempSync(join(tmpdir(), 'omnilane-keys-'));
  dirs.push(dataDir);
  const state = new MemoryStateStore({ clock: manualClock(0) });
  const privacy = privacyConfig({});
  const audit: Array<{ action: string; after?: unknown }> = [];
  const out: string[] = [];
  const io = { stdout: (s: string) => void out.push(s), stderr: (s: string) => void out.push(s) };
  const deps = {
    sources: {} as never,
    audit: { record: (e: { action: string; after?: unknown }) => Promise.resolve(void audit.push(e)) },
    keys: { dataDir, privacy, state },
  };
  /** What a process started now would build: the key files as they are on disk. */
  const personal = () => {
    const { master, blindKey } = loadPrivacyKeys(dataDir, privacy);
    return { master, blindKey, pd: new EncryptedPersonalData(new DataKeyRing(new StateStoreDataKeyVault(state), master), blindKey) };
  };
  return { dataDir, state, deps, io, audit, out, personal };
}

const event = (customer_key: string, text: string) => ({
  id: 'e',
  producer: 'p',
  type: 'message.received' as const,
  channel: 'sms',
  occurred_at: 0,
  received_at: 0,
  customer_key,
  customer: { phone: '+8613900000001' },
  conversation_id: null,
  agent_id: null,
  properties: { text },
});

describe('omnilane privacy rotate-master-key / rotate-data-keys', () => {
  it('re-wraps every data key under a new master key: old data opens with the new ring, and still after the old key is retired', async () => {
    const s = setup();
    const first = s.personal();
    await checkPrivacyKeys(s.state, first.master, first.blindKey);
    const sealed = await first.pd.sealEvents([event('cus_1', '旧的消息'), event('cus_2', 'old words')]);

    expect(await runPrivacyCommand(['rotate-master-key'], s.io, s.deps)).toBe(0);
    const path = join(s.dataDir, MASTER_KEY_FILE);
    const ring = JSON.parse(readFileSync(path, 'utf8')) as { current: string; keys: Record<string, string> };
    expect(ring.current).toBe('mk2');
    expect(Object.keys(ring.keys).sort()).toEqual(['mk1', 'mk2']);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(s.audit.map((a) => a.action)).toEqual(['privacy.rotate_master_key']);
    expect(s.audit[0].after).toMatchObject({ from: 'mk1', to: 'mk2', rewrapped: 2 });

    // Retire mk1: a process holding only mk2 opens what was sealed before, and passes the start-up key check.
    writeFileSync(path, JSON.stringify({ current: 'mk2', keys: { mk2: ring.keys.mk2 } }));
    const after = s.personal();
    await checkPrivacyKeys(s.state, after.master, after.blindKey);
    const opened = await after.pd.openEvents(sealed);
    expect(opened.map((e) => e.properties.text)).toEqual(['旧的消息', 'old words']);
    // A ring without the deployment's key is refused at start, by name.
    await expect(checkPrivacyKeys(s.state, LocalMasterKeys.fromJson(LocalMasterKeys.newKeyRingJson('mk2')), after.blindKey)).rejects.toMatchObject({
      code: 'PRIV_ERR_MASTER_KEY',
    });
  });

  it('rotates data keys: new values use the new version, old ones still open; erased owners are skipped', async () => {
    const s = setup();
    const { pd } = s.personal();
    const [old] = await pd.sealEvents([event('cus_1', 'before')]);
    await pd.sealEvents([event('cus_2', 'x')]);
    await pd.forget(['cus_2'], 1);
    expect(await runPrivacyCommand(['rotate-data-keys'], s.io, s.deps)).toBe(0);
    expect(s.audit[0].after).toMatchObject({ rotated: 1, erased: 1 });
    const fresh = s.personal().pd;
    const [now] = await fresh.sealEvents([event('cus_1', 'after')]);
    const sealedOf = (e: { customer: object }) => String((e.customer as { sealed?: string }).sealed);
    expect(sealedOf(now)).toMatch(/^pd1\.2\./);
    expect(sealedOf(old)).toMatch(/^pd1\.1\./);
    expect((await fresh.openEvents([old, now])).map((e) => e.properties.text)).toEqual(['before', 'after']);
  });

  it('refuses rotation of a single key from the environment', async () => {
    const s = setup();
    const deps = { ...s.deps, keys: { ...s.deps.keys, privacy: privacyConfig({ PRIVACY_MASTER_KEY: Buffer.alloc(32, 1).toString('base64') }) } };
    await expect(runPrivacyCommand(['rotate-master-key'], s.io, deps)).rejects.toMatchObject({ code: 'CFG_ERR_INVALID' });
  });
});
