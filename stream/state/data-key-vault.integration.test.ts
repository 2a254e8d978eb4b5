import { afterAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../shared/clock.js';
import { DataKeyRing, StateStoreDataKeyVault } from '../../shared/privacy/data-keys.js';
import { LocalMasterKeys } from '../../shared/privacy/master-keys.js';
import type { StateStore } from '../../shared/ports/state-store.js';
import { requireEngine, uniqueName } from '../../test/contracts/engines.js';
import { MemoryStateStore } from './memory-state-store.js';
import { RedisStateStore } from './redis-state-store.js';

/** The data-key vault on both StateStore adapters: keys survive a new ring (a restart), racing creators agree. */
describe.each(['embedded', 'redis'] as const)('data-key vault on the %s StateStore', (kind) => {
  const stores: StateStore[] = [];
  const open = (): StateStore => {
    const s =
      kind === 'embedded'
        ? new MemoryStateStore({ clock: manualClock(0) })
        : new RedisStateStore({ url: requireEngine('redis').redisUrl, keyPrefix: `${prefix}:` });
    stores.push(s);
    return s;
  };
  const prefix = uniqueName('pdk');
  afterAll(async () => {
    for (const s of stores) await s.close();
  });

  it('stores wrapped keys only, agrees under a race, and crypto-shreds', async () => {
    const state = open();
    const master = LocalMasterKeys.fromJson(LocalMasterKeys.newKeyRingJson());
    const a = new DataKeyRing(new StateStoreDataKeyVault(state), master);
    const b = new DataKeyRing(new StateStoreDataKeyVault(kind === 'redis' ? open() : state), master);
    const [x, y] = await Promise.all([a.encrypt('cus_1', 'text', '你好'), b.encrypt('cus_1', 'text', 'hello')]);
    const fresh = new DataKeyRing(new StateStoreDataKeyVault(state), master);
    expect(await fresh.decrypt('cus_1', 'text', x)).toBe('你好');
    expect(await fresh.decrypt('cus_1', 'text', y)).toBe('hello');
    const raw = await state.get('pdk:cus_1');
    expect(raw).toContain('"mk":"mk1"');
    expect(raw).not.toContain((await a.keyForWrite('cus_1')).key.toString('base64url'));
    const ids: string[] = [];
    for await (const id of new StateStoreDataKeyVault(state).customerIds()) ids.push(id);
    expect(ids).toEqual(['cus_1']);
    await fresh.destroy('cus_1', 5);
    await expect(new DataKeyRing(new StateStoreDataKeyVault(state), master).decrypt('cus_1', 'text', x)).rejects.toThrow(/erased/);
  });
});
