import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../shared/logger.js';
import { MemoryStateStore } from '../../stream/state/memory-state-store.js';
import { DuckDbWarehouse } from '../../warehouse/duckdb/duckdb-warehouse.js';
import { CHECKPOINT_ACTION, GENESIS_HASH, entryHash, signHash, verifyChain, type AuditEntry } from './audit-chain.js';
import { AuditLog, canonicalJson, readChain, verifyStoredChain } from './audit-log.js';

const key = Buffer.alloc(32, 7);
let now = 1_760_000_000_000;
const clock = { now: () => now++ };
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A chain of n entries built in memory, to tamper with. */
function chain(n: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const base = {
      seq,
      at: 1000 + seq,
      actor: '{"id":"k"}',
      action: 'customer.read',
      target: `customer:c${seq}`,
      customer_id: `c${seq}`,
      ip: '127.0.0.1',
      status: 200,
      before: 'null',
      after: 'null',
      prev_hash: prev,
    };
    const hash = entryHash(base);
    out.push({ ...base, hash, signature: seq % 3 === 0 ? signHash(key, hash) : null });
    prev = hash;
  }
  return out;
}

describe('the audit chain (pure)', () => {
  it('accepts an untouched chain and counts its signed checkpoints', () => {
    const r = verifyChain(chain(7), key);
    expect(r).toMatchObject({ ok: true, entries: 7, checkpoints: 2, signedThrough: 6, unsignedTail: 1 });
  });

  it('finds an edited field, a removed entry, two swapped entries and a forged signature', () => {
    const edited = chain(5);
    edited[1] = { ...edited[1], target: 'customer:someone-else' };
    expect(verifyChain(edited, key).problems).toEqual([expect.objectContaining({ seq: 2, kind: 'edited' })]);

    const removed = chain(5).filter((e) => e.seq !== 3);
    expect(verifyChain(removed, key).problems).toEqual([expect.objectContaining({ seq: 4, kind: 'removed' })]);

    // Swapped and renumbered so seq stays contiguous: each moved entry's hash covers its old seq and link.
    const swapped = chain(5);
    const [a, b] = [swapped[1], swapped[2]];
    swapped[1] = { ...b, seq: 2 };
    swapped[2] = { ...a, seq: 3 };
    const kinds = verifyChain(swapped, key).problems.map((p) => p.kind);
    expect(kinds).toContain('edited');
    expect(kinds).toContain('reordered');

    // A rewriter without the key: every hash recomputed, but the checkpoint signature cannot be.
    const forged = chain(4);
    forged[0] = { ...forged[0], target: 'customer:hidden' };
    let prev = GENESIS_HASH;
    for (const [i, e] of forged.entries()) {
      const hash = entryHash({ ...e, prev_hash: prev });
      forged[i] = { ...e, prev_hash: prev, hash };
      prev = hash;
    }
    expect(verifyChain(forged, key).problems).toEqual([expect.objectContaining({ seq: 3, kind: 'bad_signature' })]);
  });

  it('writes canonical JSON whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}');
  });
});

describe('AuditLog on DuckDB', () => {
  it('chains entries across a restart, signs checkpoints, and verify finds an UPDATE and a DELETE made in the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-'));
    dirs.push(dir);
    const file = join(dir, 'wh.duckdb');
    let wh = await DuckDbWarehouse.open(file);
    await wh.migrate();
    const log = new AuditLog({ warehouse: wh, clock, key, log: silentLogger(), checkpointEvery: 4 });
    // Recorded concurrently: the queue still chains them one after another.
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        log.record({
          actor: { id: 'admin-default', role: 'admin' },
          action: 'customer.read',
          target: `customer:c${i}`,
          customer: `c${i}`,
          ip: '10.0.0.1',
          status: 200,
        }),
      ),
    );
    await log.close();
    await wh.close();

    // A second process life continues the same chain from the stored head.
    wh = await DuckDbWarehouse.open(file);
    await wh.migrate();
    const again = new AuditLog({ warehouse: wh, clock, key, log: silentLogger(), state: new MemoryStateStore({ clock }) });
    await again.record({
      actor: { id: 'ops' },
      action: 'routing.policy.change',
      target: 'queue:presales',
      before: { policy: 'round_robin' },
      after: { policy: 'least_loaded' },
    });
    const entries = [];
    for await (const e of readChain(wh)) entries.push(e);
    expect(entries.map((e) => e.action)).toEqual([
      'customer.read',
      'customer.read',
      'customer.read',
      'customer.read',
      CHECKPOINT_ACTION,
      'customer.read',
      'customer.read',
      CHECKPOINT_ACTION,
      'routing.policy.change',
    ]);
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(entries[8]).toMatchObject({ before: '{"policy":"round_robin"}', after: '{"policy":"least_loaded"}', actor: '{"id":"ops"}' });
    expect(await verifyStoredChain(wh, key)).toMatchObject({ ok: true, entries: 9, checkpoints: 2, signedThrough: 8, unsignedTail: 1 });
    await wh.close();

    // Tamper with the stored file directly, as someone with disk access would.
    const tamper = async (sql: string) => {
      const db = await DuckDBInstance.create(file);
      const conn = await db.connect();
      await conn.run(sql);
      conn.closeSync();
      db.closeSync();
    };
    await tamper("UPDATE audit_log SET ip = '203.0.113.9' WHERE seq = 2");
    wh = await DuckDbWarehouse.open(file);
    let report = await verifyStoredChain(wh, key);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.objectContaining({ seq: 2, kind: 'edited' })]);
    await wh.close();

    await tamper("UPDATE audit_log SET ip = '10.0.0.1' WHERE seq = 2");
    await tamper('DELETE FROM audit_log WHERE seq = 6');
    wh = await DuckDbWarehouse.open(file);
    report = await verifyStoredChain(wh, key);
    expect(report.problems).toEqual([expect.objectContaining({ seq: 7, kind: 'removed' })]);
    await wh.close();
  });

  it('two writers on one store share one chain (the head moves by compare-and-set)', async () => {
    const wh = await DuckDbWarehouse.open(':memory:');
    await wh.migrate();
    const state = new MemoryStateStore({ clock });
    const a = new AuditLog({ warehouse: wh, clock, key, log: silentLogger(), state });
    const b = new AuditLog({ warehouse: wh, clock, key, log: silentLogger(), state });
    for (let i = 0; i < 5; i++) {
      await Promise.all([a.record({ actor: { id: 'a' }, action: 'x.a' }), b.record({ actor: { id: 'b' }, action: 'x.b' })]);
    }
    const report = await verifyStoredChain(wh, key);
    expect(report).toMatchObject({ ok: true, entries: 10 });
    await wh.close();
  });
});
