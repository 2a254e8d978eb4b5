import { afterAll, describe, expect, it } from 'vitest';
import { eventually, requireEngine, uniqueName } from '../../test/contracts/engines.js';
import { silentLogger } from '../../shared/logger.js';
import { ClickHouseWarehouse } from '../../warehouse/clickhouse/clickhouse-warehouse.js';
import { AuditLog, verifyStoredChain } from './audit-log.js';

const key = Buffer.alloc(32, 9);
const databases: string[] = [];
afterAll(async () => {
  const admin = new ClickHouseWarehouse({ url: requireEngine('clickhouse').clickhouseUrl });
  for (const db of databases) await admin.command(`DROP DATABASE IF EXISTS ${db}`).catch(() => undefined);
  await admin.close();
});

describe('AuditLog on ClickHouse', () => {
  it('verify finds an entry edited and one deleted by ALTER TABLE mutations', async () => {
    const database = uniqueName('audit');
    databases.push(database);
    const wh = new ClickHouseWarehouse({ url: requireEngine('clickhouse').clickhouseUrl, database });
    await wh.migrate();
    let t = 1_760_000_000_000;
    const log = new AuditLog({ warehouse: wh, clock: { now: () => (t += 1000) }, key, log: silentLogger(), checkpointEvery: 3 });
    for (let i = 1; i <= 5; i++)
      await log.record({
        actor: { id: 'admin-default', role: 'admin' },
        action: 'customer.read',
        target: `customer:c${i}`,
        customer: `c${i}`,
        ip: '10.1.1.1',
        status: 200,
        after: { note: '客户 ' + i },
      });
    await log.close();
    expect(await verifyStoredChain(wh, key)).toMatchObject({ ok: true, entries: 7, checkpoints: 2 });

    // Mutations are asynchronous on 18.16 (no mutations_sync): wait until the stored row shows the change.
    const ipOf = async (seq: number) => (await wh.query<{ seq: unknown; ip: string }>('audit_chain', { from_seq: seq, limit: 1 }))[0];
    await wh.command(`ALTER TABLE ${database}.audit_log UPDATE ip = '198.51.100.7' WHERE seq = 2`);
    await eventually('the UPDATE mutation applied', async () => (await ipOf(2))?.ip === '198.51.100.7');
    let report = await verifyStoredChain(wh, key);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.objectContaining({ seq: 2, kind: 'edited' })]);

    await wh.command(`ALTER TABLE ${database}.audit_log UPDATE ip = '10.1.1.1' WHERE seq = 2`);
    await eventually('the second UPDATE applied', async () => (await ipOf(2))?.ip === '10.1.1.1');
    await wh.command(`ALTER TABLE ${database}.audit_log DELETE WHERE seq = 5`);
    await eventually('the DELETE mutation applied', async () => Number((await ipOf(5))?.seq) !== 5);
    report = await verifyStoredChain(wh, key);
    expect(report.problems).toEqual([expect.objectContaining({ seq: 6, kind: 'removed' })]);
    await wh.close();
  });
});
