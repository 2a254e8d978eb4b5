import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { requireEngine, uniqueName } from '../../test/contracts/engines.js';
import { NAMED_QUERIES, appendKpiFixture, hostileString, querySets, warehouseContract } from '../../test/contracts/warehouse.contract.js';
import { makeFixture } from '../../test/contracts/warehouse-fixture.js';
import { factsRow } from '../../test/contracts/kpi-fixture.js';
import type { ConversationFactsRow } from '../../shared/tables.js';
import type { Warehouse } from '../../shared/ports/warehouse.js';
import { DuckDbWarehouse } from '../duckdb/duckdb-warehouse.js';
import { inlineParams } from '../sql-params.js';
import { ClickHouseWarehouse, clickHouseErrorCode } from './clickhouse-warehouse.js';

const databases: string[] = [];
const openCh = async (opts: Partial<ConstructorParameters<typeof ClickHouseWarehouse>[0]> = {}) => {
  const env = requireEngine('clickhouse');
  const database = uniqueName('wh');
  databases.push(database);
  return new ClickHouseWarehouse({ url: env.clickhouseUrl, database, ...opts });
};
const dropAll = async () => {
  if (databases.length === 0) return;
  const admin = new ClickHouseWarehouse({ url: requireEngine('clickhouse').clickhouseUrl });
  for (const db of databases.splice(0)) await admin.command(`DROP DATABASE IF EXISTS ${db}`).catch(() => undefined);
  await admin.close();
};

warehouseContract('ClickHouse', { dialect: 'clickhouse', open: () => openCh(), cleanup: dropAll });

describe('ClickHouse and DuckDB agree', () => {
  const open: Warehouse[] = [];
  afterAll(async () => {
    for (const w of open) await w.close().catch(() => undefined);
    await dropAll();
  });

  it('return identical rows (same JSON values and types) for every named query on the same appended rows', async () => {
    let compared = 0;
    const queriesWithRows = new Set<string>();
    for (const seed of [3, 11]) {
      // Fresh warehouses per seed: two fixtures reuse keys and versions with other contents.
      const ch = await openCh({ coalesce: { maxRows: 10_000, maxDelayMs: 5 } });
      const duck = await DuckDbWarehouse.open(':memory:');
      open.push(ch, duck);
      await ch.migrate();
      await duck.migrate();
      const f = makeFixture(seed);
      const rows = <R>(xs: R[]): R[] => xs;
      for (const wh of [ch, duck]) {
        await Promise.all([
          wh.append('events', rows(f.events)),
          wh.append('channel_minute_contrib', rows(f.minutes)),
          wh.append('conversation_facts', rows(f.conversations)),
          wh.append('dead_letters', rows(f.deadLetters)),
          wh.append('attribution_results', rows(f.attribution)),
          wh.append('attribution_transitions', rows(f.transitions)),
          wh.append('identity_merges', rows(f.identityMerges)),
          wh.append('conversations', rows(f.sessions)),
          wh.append('audit_log', rows(f.auditLog)),
          wh.append('experiments', rows(f.experiments)),
          wh.append('access_snapshots', rows(f.accessSnapshots)),
          appendKpiFixture(wh, f),
        ]);
        // and a replay of everything, in another order
        await wh.append('conversation_facts', rows([...f.conversations].reverse()));
        await wh.append('events', rows([...f.events].reverse()));
      }
      const sets = querySets(f);
      for (const name of NAMED_QUERIES) {
        for (const params of sets[name]) {
          const [a, b] = [await ch.query(name, params), await duck.query(name, params)];
          expect(a, `${name} ${JSON.stringify(params)}`).toEqual(b);
          compared += a.length;
          if (a.length > 0) queriesWithRows.add(name);
        }
      }
    }
    expect(compared).toBeGreaterThan(500);
    expect([...queriesWithRows].sort()).toEqual(NAMED_QUERIES);
  });

  it('compute p50/p90 the same way (quantile_disc) for every group size from 1 to 120', async () => {
    const ch = await openCh();
    const duck = await DuckDbWarehouse.open(':memory:');
    open.push(ch, duck);
    await ch.migrate();
    await duck.migrate();
    const t = Date.UTC(2025, 2, 3);
    const rows: ConversationFactsRow[] = [];
    let c = 0;
    for (let n = 1; n <= 120; n++) {
      for (let i = 0; i < n; i++) {
        const frm = ((i * 7919 + n * 31) % 97) * 10;
        rows.push(
          factsRow({
            conversation_id: `q${c++}`,
            customer_key: 'k',
            channel: `n${String(n).padStart(3, '0')}`,
            started_at: t + i,
            first_response_at: t + i + frm,
            first_response_ms: frm,
            agent: '',
            version: 1,
          }),
        );
      }
    }
    await ch.append('conversation_facts', rows);
    await duck.append('conversation_facts', rows);
    const params = { from_ms: t - 1, to_ms: t + 1000 };
    const [a, b] = [await ch.query('board_first_response', params), await duck.query('board_first_response', params)];
    expect(a).toHaveLength(121);
    expect(a).toEqual(b);
  });
});

describe('ClickHouseWarehouse specifics', () => {
  let wh: ClickHouseWarehouse;
  afterAll(async () => {
    await wh?.close();
    await dropAll();
  });

  it('inlines hostile string parameters that a real SELECT echoes byte for byte', async () => {
    wh = await openCh();
    await wh.migrate();
    await fc.assert(
      fc.asyncProperty(hostileString(), fc.array(hostileString(), { maxLength: 4 }), async (s, xs) => {
        const sql = inlineParams('SELECT {s:String} AS s, length({s:String}) AS bytes, {xs:Array(String)} AS xs, {n:Nullable(String)} AS n', {
          s,
          xs,
          n: null,
        });
        const [row] = await wh.sql<{ s: string; bytes: string; xs: string[]; n: null }>(sql);
        expect(row.s).toBe(s);
        expect(Number(row.bytes)).toBe(Buffer.byteLength(s));
        expect(row.xs).toEqual(xs);
        expect(row.n).toBeNull();
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('maps server errors to WH_ERR_QUERY with the ClickHouse code', async () => {
    wh ??= await openCh();
    await wh.migrate();
    const err = await wh.sql('SELECT no_such_column FROM events').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'WH_ERR_QUERY', clickhouseCode: 47 });
    expect(clickHouseErrorCode(new Error('Code: 62, e.displayText() = DB::Exception: Syntax error'))).toBe(62);
  });

  it('keeps millisecond precision next to the DateTime columns', async () => {
    wh ??= await openCh();
    await wh.migrate();
    const at = Date.UTC(2025, 4, 6, 7, 8, 9) + 987;
    await wh.append('dead_letters', [{ source: 's', ref: 'ms', code: 'c', reason: 'r', payload: 'p', failed_at: at }]);
    const [row] = await wh.sql<{ t: string; ms: string }>("SELECT toString(failed_at) AS t, failed_at_ms AS ms FROM dead_letters WHERE ref = 'ms'");
    expect(row).toEqual({ t: '2025-05-06 07:08:09', ms: String(at) });
  });
});
