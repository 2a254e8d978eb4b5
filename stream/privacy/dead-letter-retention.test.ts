import { describe, expect, it } from 'vitest';
import { manualClock } from '../../shared/clock.js';
import { DataKeyRing, StateStoreDataKeyVault } from '../../shared/privacy/data-keys.js';
import { LocalMasterKeys } from '../../shared/privacy/master-keys.js';
import { DEAD_LETTER_FIELD, deadLetterOwner, EncryptedPersonalData } from '../../shared/privacy/personal-data.js';
import { MemoryStateStore } from '../state/memory-state-store.js';
import { DeadLetterRetention } from './dead-letter-retention.js';

const DAY = 86_400_000;

describe('dead-letter retention', () => {
  it('destroys the key of each day past the limit once, so that day’s payloads stop opening and younger ones still open', async () => {
    const clock = manualClock(Date.UTC(2026, 11, 3, 23, 59, 0));
    const state = new MemoryStateStore({ clock });
    const master = LocalMasterKeys.fromJson(LocalMasterKeys.newKeyRingJson());
    // Another process's view (no cache of its own): what it opens comes from the vault.
    const reader = () =>
      new EncryptedPersonalData(new DataKeyRing(new StateStoreDataKeyVault(state), master, 10, 0), Buffer.alloc(32, 1), undefined, { size: 0 });
    const writer = reader();
    const seal = async (at: number, text: string) => ({ at, sealed: await writer.seal(deadLetterOwner(at), DEAD_LETTER_FIELD, text) });
    const old = await seal(clock.now() - 31 * DAY, '{"phone":"+8613900000001"}');
    const edge = await seal(clock.now() - 30 * DAY, '{"phone":"+8613900000002"}');
    const fresh = await seal(clock.now() - DAY, '{"phone":"+8613900000003"}');
    const open = (x: { at: number; sealed: string }) => reader().open(deadLetterOwner(x.at), DEAD_LETTER_FIELD, x.sealed);
    expect(await open(old)).toContain('0001');

    const retention = new DeadLetterRetention({ personal: writer, clock, days: 30 });
    const first = await retention.run();
    expect(first).toContain(deadLetterOwner(old.at));
    expect(first).not.toContain(deadLetterOwner(edge.at));
    expect(await open(old)).toBeNull();
    expect(await open(edge)).toContain('0002');
    expect(await open(fresh)).toContain('0003');
    // A day later the edge day is past the limit too; days destroyed already are not written again.
    clock.advance(DAY);
    expect(await retention.run()).toEqual([deadLetterOwner(edge.at)]);
    expect(await open(edge)).toBeNull();
    expect(await open(fresh)).toContain('0003');
    await state.close();
  });
});
