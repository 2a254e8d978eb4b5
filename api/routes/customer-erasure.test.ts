import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../audit/audit-log.js';
import { manualClock } from '../../shared/clock.js';
import { silentLogger } from '../../shared/logger.js';
import type { Warehouse } from '../../shared/ports/warehouse.js';
import { IngestService } from '../../ingest/ingest-service.js';
import { InProcessBus } from '../../stream/bus/in-process-bus.js';
import { EmbeddedCrm } from '../../stream/crm/embedded-crm.js';
import { loadFollowupConfig, shippedRulesPath } from '../../stream/followup/followup-config.js';
import { FollowupStore } from '../../stream/followup/followup-store.js';
import { FileLabelStore } from '../../stream/labels/file-label-store.js';
import { SuppressionList } from '../../stream/followup/suppression-list.js';
import { IdentityService } from '../../stream/identity/identity-service.js';
import { CustomerErasure, erasedIdentifiersGuard, type ErasureJob } from '../../stream/privacy/customer-erasure.js';
import { MemoryStateStore } from '../../stream/state/memory-state-store.js';
import { DuckDbWarehouse } from '../../warehouse/duckdb/duckdb-warehouse.js';
import { oneKeyPerRole } from '../../test/support/access.js';
import { DataKeyRing, StateStoreDataKeyVault } from '../../shared/privacy/data-keys.js';
import { LocalMasterKeys } from '../../shared/privacy/master-keys.js';
import { EncryptedPersonalData } from '../../shared/privacy/personal-data.js';
import { buildTestApp } from '../../test/support/app.js';
import { customerRows, seedTwoCustomers } from '../../test/support/two-customers.js';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const clock = manualClock(NOW);
const keys = await oneKeyPerRole();
const auth = (k: string) => ({ authorization: `Bearer ${k}` });

const { ev, session } = customerRows(NOW);

let wh: DuckDbWarehouse;
let state: MemoryStateStore;
let identity: IdentityService;
let store: FollowupStore;
let audit: AuditLog;
let app: FastifyInstance;
let personal: EncryptedPersonalData;
/** Ana: two customers merged into one (phone, then e-mail, then both). Bo: another customer, who must keep everything. */
let ana: string;
let anaMerged: string;
let bo: string;

const get = (url: string, key = 'admin-secret') => app.inject({ method: 'GET', url, headers: auth(key) });
const del = (url: string, key = 'admin-secret') => app.inject({ method: 'DELETE', url, headers: auth(key) });

/** Every row of every customer table naming `ids` or their conversations, per table. */
async function rowsOf(ids: string[], conversations: string[]): Promise<Record<string, number>> {
  const count = async (name: string, params: Record<string, string[]>) => (await wh.query(name, params)).length;
  return {
    events: await count('events_of_customers', { keys: ids }),
    conversations: await count('customer_sessions', { ids }),
    conversation_facts: await count('customer_conversation_facts', { keys: ids }),
    response_times: await count('response_times_of_conversations', { conversations }),
    deal_facts: await count('customer_deal_facts', { keys: ids }),
    identity_merges: await count('identity_merges_for', { ids }),
  };
}

beforeAll(async () => {
  wh = await DuckDbWarehouse.open(':memory:');
  await wh.migrate();
  state = new MemoryStateStore({ clock });
  identity = new IdentityService({ state, clock, maxSharedCustomers: 3, defaultCountryCode: '86', mergeLog: wh });
  ({ ana, anaMerged, bo } = await seedTwoCustomers(wh, identity, NOW, { boEmail: true }));
  // Bo needs an identity row too: a split recorded against him.
  await wh.append('identity_merges', [
    {
      merge_id: `split:${bo}`,
      kind: 'split',
      customer_id: bo,
      other_id: 'cus_99',
      identifiers: '[]',
      evidence: '[]',
      reason: 'test',
      event_ref: 'api/t',
      merged_at: NOW,
    },
  ]);
  store = new FollowupStore(state);
  await store.arm(ana, NOW + 60_000, { customer_id: ana } as never);
  await store.arm(bo, NOW + 60_000, { customer_id: bo } as never);
  audit = new AuditLog({ warehouse: wh, clock, key: Buffer.alloc(32, 3), log: silentLogger(), state, checkpointEvery: 1000 });
  await audit.record({ actor: { id: 'user:u1' }, action: 'customer.profile.read', target: `customer:${ana}`, customer: ana });
  personal = new EncryptedPersonalData(
    new DataKeyRing(new StateStoreDataKeyVault(state), LocalMasterKeys.fromJson(LocalMasterKeys.newKeyRingJson())),
    Buffer.alloc(32, 9),
  );
  const erasure = new CustomerErasure({
    warehouse: wh,
    state,
    clock,
    identity,
    followups: store,
    suppression: new SuppressionList(state),
    personal,
    labels: new FileLabelStore(mkdtempSync(join(tmpdir(), 'omnilane-erasure-labels-'))),
  });
  app = await buildTestApp(
    { warehouse: wh, clock, access: keys },
    {
      workbench: { identity, crm: new EmbeddedCrm(), sessionExpiryMs: 3_600_000 },
      followups: { store, fileConfig: loadFollowupConfig(shippedRulesPath('example')), secret: 's' },
      audit,
      erasure,
    },
  );
});
afterAll(async () => {
  await app?.close();
  await state?.close();
  await wh?.close();
});

const untilDone = async (job: string): Promise<ErasureJob> => {
  for (let i = 0; i < 200; i++) {
    const r = await get(`/v1/privacy/erasures/${job}`);
    expect(r.statusCode).toBe(200);
    const j = r.json<ErasureJob>();
    if (j.status === 'done') return j;
    await new Promise((res) => setTimeout(res, 10));
  }
  throw new Error('erasure did not finish');
};

describe('DELETE /v1/customers/{id} (erasure)', () => {
  it('is for admins only', async () => {
    for (const k of ['manager-secret', 'agent-secret', 'analyst-secret']) expect((await del(`/v1/customers/${ana}`, k)).statusCode).toBe(403);
    expect((await del('/v1/customers/cus_404')).statusCode).toBe(404);
  });

  it('erases the customer and their merged id in every table and store, keeps the other customer whole, audits it', async () => {
    const boBefore = await rowsOf([bo], ['conv-bo-1']);
    expect(Object.values(boBefore).every((n) => n > 0)).toBe(true);
    const anaIds = [ana, anaMerged];
    const anaConvs = ['conv-ana-1', 'conv-ana-2'];
    expect(Object.values(await rowsOf(anaIds, anaConvs)).every((n) => n > 0)).toBe(true);

    const r = await del(`/v1/customers/${anaMerged}`);
    expect(r.statusCode).toBe(202);
    const started = r.json<ErasureJob & { already_erased: boolean }>();
    expect(started.customer_id).toBe(ana);
    expect(started.already_erased).toBe(false);
    const job = await untilDone(started.job);
    expect(job.stores.every((s) => s.status === 'done')).toBe(true);
    // Crypto-shredding: the customer's data key (and their merged id's) is destroyed; the other customer's is not.
    const [sealed] = await personal.sealEvents([ev('x1', { phone: '+8613900000099' }, { customer_key: 'cus_keep' })]);
    expect((await personal.openEvents([sealed]))[0].customer.phone).toBe('+8613900000099');
    await expect(personal.sealEvents([ev('x2', { phone: '+8613900000098' }, { customer_key: job.customer_id })])).rejects.toThrow(/erased/);
    expect(job.stores.find((s) => s.store === 'events')?.deleted).toBeGreaterThan(0);

    expect(await rowsOf(anaIds, anaConvs)).toEqual({
      events: 0,
      conversations: 0,
      conversation_facts: 0,
      response_times: 0,
      deal_facts: 0,
      identity_merges: 0,
    });
    expect(await rowsOf([bo], ['conv-bo-1'])).toEqual(boBefore);
    // State store: identity graph and follow-up timer gone for Ana, Bo untouched.
    expect(await identity.profile(ana)).toBeNull();
    expect(await identity.profile(anaMerged)).toBeNull();
    expect(await identity.lookup(['phone:+8613900000001'])).toEqual([null]);
    expect((await identity.profile(bo))?.id).toBe(bo);
    expect((await store.read(ana)).state).toBe('none');
    expect((await store.read(bo)).state).not.toBe('none');
    // The export now finds nothing under either id.
    expect((await get(`/v1/customers/${ana}/export`)).statusCode).toBe(404);
    expect((await get(`/v1/customers/${anaMerged}/export`)).statusCode).toBe(404);
    // Audit: the old entry keeps its place; the erasure is recorded without personal data.
    const entries = await wh.query<{ action: string; customer_id: string | null; after: string }>('audit_search', {
      actor: '',
      actor_json: '',
      action: '',
      customer: ana,
      from_ms: 0,
      to_ms: NOW + 1,
      limit: 100,
      offset: 0,
    });
    expect(entries.map((e) => e.action).sort()).toEqual(['customer.profile.read', 'privacy.erase', 'privacy.export']); // the 404 export above is audited too
    const erase = JSON.stringify(entries.find((e) => e.action === 'privacy.erase'));
    expect(erase).not.toMatch(/13900000001|ana@example/);

    // A second run is a no-op that says so.
    const again = await del(`/v1/customers/${ana}`);
    expect(again.statusCode).toBe(200);
    expect(again.json<{ job: string; already_erased: boolean }>()).toMatchObject({ job: started.job, already_erased: true });
  });

  it('ERASURE_POLICY=drop refuses a later event with the erased phone (ING_ERR_ERASED, not kept); new_identity accepts it as a new customer', async () => {
    const bus = new InProcessBus({ clock });
    await bus.ensureTopic('omnilane.events', 1);
    await bus.ensureTopic('omnilane.rejected', 1);
    const list = new SuppressionList(state);
    const make = (policy: 'drop' | 'new_identity') =>
      new IngestService({ bus, state, clock, log: silentLogger(), dedupTtlMs: 60_000, identity, erased: erasedIdentifiersGuard(policy, list, identity) });
    const body = (id: string, phone: string) => ({
      events: [
        { id, type: 'message.received', channel: 'sms', occurred_at: new Date(NOW).toISOString(), customer: { phone }, properties: { text: 'hi again' } },
      ],
    });
    const dropped = await make('drop').ingest('p', body('late-1', '+86 139 0000 0001'));
    expect(dropped).toEqual({ accepted: 0, duplicates: 0, rejected: [{ index: 0, code: 'ING_ERR_ERASED', message: expect.any(String) }] });
    const other = await make('drop').ingest('p', body('late-2', '13900000002'));
    expect(other.accepted).toBe(1);
    const fresh = await make('new_identity').ingest('p', body('late-3', '13900000001'));
    expect(fresh.accepted).toBe(1);
    const [now] = await identity.lookup(['phone:+8613900000001']);
    expect(now).not.toBeNull();
    expect([ana, anaMerged]).not.toContain(now);
    await bus.close();
  });
});

describe('erasure job: durable across a crash', () => {
  it('resumes after a failure past the first store and then completes; nothing done twice', async () => {
    const cwh = await DuckDbWarehouse.open(':memory:');
    await cwh.migrate();
    const cstate = new MemoryStateStore({ clock });
    const cid = new IdentityService({ state: cstate, clock, maxSharedCustomers: 3, defaultCountryCode: '86', mergeLog: cwh });
    const [e] = await cid.resolve([ev('c1', { phone: '13700000001' }, { conversation_id: 'conv-c' })]);
    await cwh.append('events', [{ ...e, customer: JSON.stringify(e.customer), properties: '{}' }]);
    await cwh.append('conversations', [session('conv-c', e.customer_key)]);
    let calls = 0;
    const crashing: Pick<Warehouse, 'query' | 'eraseRows'> = {
      query: (n, p) => cwh.query(n, p),
      eraseRows: (t, w) => {
        if (t === 'conversations' && calls++ === 0) throw new Error('simulated crash');
        return cwh.eraseRows(t, w);
      },
    };
    const deps = { warehouse: crashing, state: cstate, clock, identity: cid, followups: new FollowupStore(cstate), suppression: new SuppressionList(cstate) };
    const first = new CustomerErasure(deps);
    const s1 = await first.start(e.customer_key);
    await expect(first.run(s1!.job)).rejects.toThrow('simulated crash');
    const mid = (await first.job(s1!.job.job))!;
    expect(mid.status).toBe('running');
    expect(mid.stores.filter((s) => s.status === 'done').map((s) => s.store)).toEqual(['suppression', 'events']);
    // A new process (a new object over the same stores) resumes the same job.
    const second = new CustomerErasure(deps);
    const s2 = await second.start(e.customer_key);
    expect(s2).toMatchObject({ created: false, job: { job: s1!.job.job } });
    const done = await second.run(s2!.job);
    expect(done.status).toBe('done');
    expect(done.stores.find((s) => s.store === 'events')?.deleted).toBe(1);
    expect(done.stores.find((s) => s.store === 'conversations')?.deleted).toBe(1);
    expect(await cwh.query('customer_sessions', { ids: [e.customer_key] })).toEqual([]);
    expect(await cid.profile(e.customer_key)).toBeNull();
    const s3 = await second.start(e.customer_key);
    expect(s3).toMatchObject({ created: false, job: { status: 'done' } });
    await cstate.close();
    await cwh.close();
  });
});
