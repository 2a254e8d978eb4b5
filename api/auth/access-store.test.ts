import { afterAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../shared/clock.js';
import { MemoryStateStore } from '../../stream/state/memory-state-store.js';
import { DuckDbWarehouse } from '../../warehouse/duckdb/duckdb-warehouse.js';
import { WarehouseAccessBackup } from './access-backup.js';
import { AccessService } from './access-service.js';
import { StateAccessStore } from './access-store.js';

/** The shared access state when the state store (Redis in distributed mode) loses its keys. */
describe('StateAccessStore with a durable copy in the warehouse', () => {
  const clock = manualClock(Date.UTC(2026, 11, 1));
  const opened: DuckDbWarehouse[] = [];
  afterAll(async () => {
    for (const w of opened) await w.close();
  });

  it('puts users and keys back after the state store lost them, and a revoked key stays revoked', async () => {
    const warehouse = await DuckDbWarehouse.open(':memory:');
    opened.push(warehouse);
    await warehouse.migrate();
    const state = new MemoryStateStore({ clock });
    const store = () => new StateAccessStore(state, () => clock.now(), 0, undefined, new WarehouseAccessBackup(warehouse, clock));
    const a = new AccessService({ store: store(), sessions: state, clock });
    const kept = await a.createKey({ name: 'crm sync', role: 'ingest' });
    const revoked = await a.createKey({ name: 'old laptop', role: 'admin' });
    await a.addUser({ username: 'li.na', role: 'manager', password: 'a long enough password 1' });
    await a.revokeKey(revoked.key.id);

    // Redis loses its keys (FLUSHALL, a restart without persistence): a fresh process reads the shared state.
    await state.del(['acc:state']);
    const b = new AccessService({ store: store(), sessions: state, clock });
    expect(await b.authenticateKey(kept.secret)).toMatchObject({ kind: 'key', role: 'ingest' });
    expect(await b.authenticateKey(revoked.secret)).toBeNull();
    expect((await b.listUsers()).map((u) => u.username)).toContain('li.na');
    expect(await state.get('acc:state')).not.toBeNull();

    // A change after the restore continues the revisions: losing the state again brings back the newest copy.
    const later = await b.createKey({ name: 'after restore', role: 'ingest' });
    await state.del(['acc:state']);
    const c = new AccessService({ store: store(), sessions: state, clock });
    expect(await c.authenticateKey(later.secret)).toMatchObject({ role: 'ingest' });
    expect(await c.authenticateKey(kept.secret)).toMatchObject({ role: 'ingest' });
  });

  it('without a durable copy an emptied state store starts empty (what the copy is for)', async () => {
    const state = new MemoryStateStore({ clock });
    const a = new AccessService({ store: new StateAccessStore(state, () => clock.now(), 0), sessions: state, clock });
    const key = await a.createKey({ name: 'x', role: 'ingest' });
    await state.del(['acc:state']);
    const b = new AccessService({ store: new StateAccessStore(state, () => clock.now(), 0), sessions: state, clock });
    expect(await b.authenticateKey(key.secret)).toBeNull();
  });

  it('honours the keys the environment defines after a loss without a durable copy, and a revocation while the state exists', async () => {
    const state = new MemoryStateStore({ clock });
    const envKeys = [{ id: 'ingest-default', role: 'ingest' as const, secret: 'env-ingest-key-0123456789abcdef' }];
    const make = () => new AccessService({ store: new StateAccessStore(state, () => clock.now(), 0), sessions: state, clock, envKeys });
    const a = make();
    await a.putKey({ id: 'ingest-default', name: 'OMNILANE_INGEST_KEY', role: 'ingest', secret: envKeys[0].secret });
    await a.revokeKey('ingest-default');
    expect(await a.authenticateKey(envKeys[0].secret)).toBeNull();
    await state.del(['acc:state']);
    expect(await make().authenticateKey(envKeys[0].secret)).toMatchObject({ kind: 'key', role: 'ingest', keyId: 'ingest-default' });
    expect(await make().authenticateKey('some-other-secret-0123456789abcd')).toBeNull();
  });

  it('keeps authenticating with the last state read while the state store is down', async () => {
    const state = new MemoryStateStore({ clock });
    const a = new AccessService({ store: new StateAccessStore(state, () => clock.now(), 0), sessions: state, clock });
    const key = await a.createKey({ name: 'x', role: 'ingest' });
    expect(await a.authenticateKey(key.secret)).toMatchObject({ role: 'ingest' });
    const get = state.get.bind(state);
    state.get = () => Promise.reject(Object.assign(new Error('down'), { code: 'STATE_ERR_UNAVAILABLE' }));
    expect(await a.authenticateKey(key.secret)).toMatchObject({ role: 'ingest' });
    const fresh = new AccessService({ store: new StateAccessStore(state, () => clock.now(), 0), sessions: state, clock });
    await expect(fresh.authenticateKey(key.secret)).rejects.toMatchObject({ code: 'STATE_ERR_UNAVAILABLE' });
    state.get = get;
  });
});
