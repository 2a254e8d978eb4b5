import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../shared/paths.js';
import type { Warehouse } from '../../shared/ports/warehouse.js';
import type { KpiCounters, RowOf, TableName } from '../../shared/tables.js';
import { migrationFiles, type Dialect } from '../../warehouse/named-queries.js';
import { COUNTER_NAMES } from '../../stream/kpis/counters.js';
import { factsRow } from './kpi-fixture.js';
import { NamedQueries } from '../../warehouse/named-queries.js';
import type { QueryParams } from '../../shared/ports/warehouse.js';
import { derivedParams, paramSets } from './named-query-params.js';
import { REFERENCE, numeric } from './named-query-reference.js';
import { makeFixture, type WarehouseFixture } from './warehouse-fixture.js';

export interface WarehouseHarness {
  /** Whose migrations `migrate()` must apply. */
  dialect: Dialect;
  /** A fresh, empty warehouse (its own database or file), not migrated yet. */
  open(): Promise<Warehouse>;
  cleanup?(): Promise<void>;
}

/** Every named query the embedded default ships; each adapter must answer all of them. */
export const NAMED_QUERIES = readdirSync(join(projectRoot(), 'sql', 'queries', 'duckdb'))
  .filter((f) => f.endsWith('.sql'))
  .map((f) => f.slice(0, -4))
  .sort();

/** Hostile strings for the escaping fuzz, mixed into arbitrary unicode. */
export const HOSTILE = [
  "'",
  "''",
  '\\',
  "\\'",
  "'; DROP TABLE events; --",
  '\u0000',
  'a\u0000b',
  '\n',
  '\r\n',
  '\t',
  '\u007f',
  '\u2028\u2029',
  '{x:String}',
  '{producer:Nullable(String)}',
  '{limit:Int64}',
  '$1',
  '?',
  '%s',
  '`"',
  '\\x00',
  '\\N',
  '😀👩‍👩‍👧',
  'ç日本語',
];

/** The parameter sets each named query is run with: the fixture's own, else derived from its placeholders. */
export function querySets(f: WarehouseFixture): Record<string, QueryParams[]> {
  const own = paramSets(f);
  const duck = new NamedQueries('duckdb');
  return Object.fromEntries(NAMED_QUERIES.map((name) => [name, own[name] ?? derivedParams(duck.get(name), f)]));
}

export const hostileString = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(...HOSTILE),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 8 }).map((xs) => xs.join('')),
  );

export async function appendFixture(wh: Warehouse, f: WarehouseFixture): Promise<void> {
  const rows = <R>(xs: R[]): R[] => xs;
  // Several appends, like the worker's batches; the replays are inside f.events.
  for (let i = 0; i < f.events.length; i += 100) await wh.append('events', rows(f.events.slice(i, i + 100)));
  for (let i = 0; i < f.minutes.length; i += 37) await wh.append('channel_minute_contrib', rows(f.minutes.slice(i, i + 37)));
  for (let i = 0; i < f.conversations.length; i += 41) await wh.append('conversation_facts', rows(f.conversations.slice(i, i + 41)));
  await wh.append('dead_letters', rows(f.deadLetters));
  for (let i = 0; i < f.attribution.length; i += 29) await wh.append('attribution_results', rows(f.attribution.slice(i, i + 29)));
  for (let i = 0; i < f.transitions.length; i += 31) await wh.append('attribution_transitions', rows(f.transitions.slice(i, i + 31)));
  await wh.append('identity_merges', rows(f.identityMerges));
  await wh.append('conversations', rows(f.sessions));
  await wh.append('audit_log', rows(f.auditLog));
  await wh.append('experiments', rows(f.experiments));
  for (const snap of f.accessSnapshots) await wh.append('access_snapshots', [snap]);
  await appendKpiFixture(wh, f);
}

/** The KPI tables in a few appends each, so versions of one key meet across batches. */
export async function appendKpiFixture(wh: Warehouse, f: WarehouseFixture): Promise<void> {
  const inChunks = async <T extends TableName>(table: T, list: Array<RowOf<T>>) => {
    for (let i = 0; i < list.length; i += 53) await wh.append(table, list.slice(i, i + 53));
  };
  const k = f.kpi;
  await inChunks('kpi_minute_contrib', k.kpiMinutes);
  await inChunks('conversation_facts', k.conversationFacts);
  await inChunks('response_times', k.responseTimes);
  await inChunks('deal_facts', k.dealFacts);
  await inChunks('late_events', k.lateEvents);
  await inChunks('routing_gauges', k.routingGauges);
}

/**
 * The Warehouse port contract, checked against every adapter (DuckDB,
 * ClickHouse): migrations, idempotent appends, versions, every named query
 * against a from-scratch JS reference, and escaping of hostile parameters.
 */
export function warehouseContract(adapter: string, harness: WarehouseHarness): void {
  describe(`Warehouse contract: ${adapter}`, () => {
    const opened: Warehouse[] = [];
    const open = async () => {
      const wh = await harness.open();
      opened.push(wh);
      return wh;
    };
    afterAll(async () => {
      for (const wh of opened) await wh.close().catch(() => undefined);
      await harness.cleanup?.();
    });

    it('migrates forward once: the first run applies every migration, the next none', async () => {
      const wh = await open();
      const all = migrationFiles(harness.dialect).map((m) => m.version);
      expect(all.length).toBeGreaterThan(0);
      expect(await wh.migrate()).toEqual(all);
      expect(await wh.migrate()).toEqual([]);
      expect(await wh.query('events_count', { producer: null })).toEqual([{ events: expect.anything() }]);
    });

    it('erases rows by a closed column list: only the chosen values go, other rows and a re-run stay as they were', async () => {
      const wh = await open();
      await wh.migrate();
      const f = makeFixture(7);
      await wh.append('events', f.events);
      await wh.append('identity_merges', f.identityMerges);
      const keys = [...new Set(f.events.map((e) => e.customer_key))].sort();
      expect(keys.length).toBeGreaterThan(2);
      const [gone, kept] = [keys[0], keys.slice(1)];
      const before = await wh.query('events_of_customers', { keys: kept });
      const victim = (await wh.query('events_of_customers', { keys: [gone] })).length;
      expect(victim).toBeGreaterThan(0);
      expect(await wh.eraseRows('events', { column: 'customer_key', in: [gone, "it's-not-there"] })).toBe(victim);
      expect(await wh.query('events_of_customers', { keys: [gone] })).toEqual([]);
      expect(await wh.query('events_of_customers', { keys: kept })).toEqual(before);
      expect(await wh.eraseRows('events', { column: 'customer_key', in: [gone] })).toBe(0);
      expect(await wh.eraseRows('events', { column: 'customer_key', in: [] })).toBe(0);
      const mergeIds = [...new Set(f.identityMerges.map((m) => m.customer_id))];
      await wh.eraseRows('identity_merges', { column: 'customer_id', in: mergeIds });
      await wh.eraseRows('identity_merges', { column: 'other_id', in: mergeIds });
      expect(await wh.query('identity_merges_for', { ids: mergeIds })).toEqual([]);
      // A column outside the closed list is refused before any SQL is built.
      await expect(wh.eraseRows('events', { column: 'type' as 'customer_key', in: ['x'] })).rejects.toThrow(/not an erasable column/);
    });

    it('appends idempotently: the same batch twice, and duplicates inside a batch, count once', async () => {
      const wh = await open();
      await wh.migrate();
      const f = makeFixture(7);
      const batch = f.events.slice(0, 50);
      const distinct = new Set(batch.map((e) => `${e.producer}/${e.id}`)).size;
      await wh.append('events', batch);
      await wh.append('events', batch);
      await wh.append('events', [...batch, ...batch]);
      expect(numeric(await wh.query('events_count', { producer: null }))).toEqual([{ events: distinct }]);
      const m = f.minutes.slice(0, 20);
      const window = { from_ms: f.t0 - 86_400_000, to_ms: f.t0 + 86_400_000, bucket_s: 60, channel: null };
      await wh.append('channel_minute_contrib', m);
      const once = await wh.query('metric_channel_counts', window);
      expect(once.length).toBeGreaterThan(0);
      await wh.append('channel_minute_contrib', m);
      expect(await wh.query('metric_channel_counts', window)).toEqual(once);
    });

    it('lets the highest version win, whatever order the versions arrive in', async () => {
      const wh = await open();
      await wh.migrate();
      const t = Date.UTC(2025, 0, 1, 12, 0, 0);
      const row = (version: number, events: number) => ({
        bus_partition: 2,
        batch_offset: 40,
        minute: t,
        channel: 'sms',
        events,
        conversations: version,
        version,
      });
      await wh.append('channel_minute_contrib', [row(3, 30)]);
      await wh.append('channel_minute_contrib', [row(1, 10)]);
      await wh.append('channel_minute_contrib', [row(2, 20), row(1, 11)]);
      const minute = { from_ms: t, to_ms: t + 60_000, bucket_s: 60, channel: null };
      expect(numeric(await wh.query('metric_channel_counts', minute))).toEqual([{ bucket_ms: t, channel: 'sms', events: 30, conversations: 3 }]);
      await wh.append('channel_minute_contrib', [row(4, 40)]);
      expect(numeric(await wh.query('metric_channel_counts', minute))).toEqual([{ bucket_ms: t, channel: 'sms', events: 40, conversations: 4 }]);
      // A newer version that moves a conversation's start out of the window takes it out of the window.
      const conv = (version: number, started: number, frm: number | null) =>
        factsRow({
          conversation_id: 'c1',
          customer_key: 'k',
          channel: 'web',
          started_at: started,
          first_response_at: frm === null ? null : started + frm,
          first_response_ms: frm,
          agent: '',
          version,
        });
      await wh.append('conversation_facts', [conv(2, t + 5_000, 1200)]);
      await wh.append('conversation_facts', [conv(1, t + 5_000, null)]);
      const inWindow = numeric(await wh.query('board_first_response', { from_ms: t, to_ms: t + 60_000 }));
      expect(inWindow).toEqual([
        { channel: null, count: 1, avg_ms: 1200, p50_ms: 1200, p90_ms: 1200 },
        { channel: 'web', count: 1, avg_ms: 1200, p50_ms: 1200, p90_ms: 1200 },
      ]);
      await wh.append('conversation_facts', [conv(3, t - 30_000, 36_200)]);
      expect(numeric(await wh.query('board_first_response', { from_ms: t, to_ms: t + 60_000 }))).toEqual([
        { channel: null, count: 0, avg_ms: null, p50_ms: null, p90_ms: null },
      ]);
    });

    it("sums the contributions of every batch, and discards one partition's batches from an offset on", async () => {
      const wh = await open();
      await wh.migrate();
      const t = Date.UTC(2025, 0, 2, 8, 0, 0);
      const row = (partition: number, batch: number, events: number) => ({
        bus_partition: partition,
        batch_offset: batch,
        minute: t,
        channel: 'web',
        events,
        conversations: 1,
        version: 1,
      });
      const kpi = (partition: number, batch: number, inquiries: number) => ({
        ...row(partition, batch, inquiries),
        source: '',
        team: '',
        agent: '',
        tag: '',
        ...(Object.fromEntries(COUNTER_NAMES.map((n) => [n, 0])) as KpiCounters),
        inquiries,
      });
      await wh.append('channel_minute_contrib', [row(0, 0, 5), row(0, 10, 7), row(0, 20, 11), row(1, 20, 13)]);
      await wh.append('kpi_minute_contrib', [kpi(0, 0, 2), kpi(0, 10, 3), kpi(0, 20, 4), kpi(1, 20, 6)]);
      const minute = { from_ms: t, to_ms: t + 60_000, bucket_s: 60, channel: null };
      const inquiries = async () => numeric(await wh.query('kpi_minute_totals', { from_ms: t, to_ms: t + 60_000 })).map((r) => r.inquiries);
      expect(numeric(await wh.query('metric_channel_counts', minute))).toEqual([{ bucket_ms: t, channel: 'web', events: 36, conversations: 4 }]);
      expect(await inquiries()).toEqual([15]);
      await wh.discardContributions(0, 10);
      // A replay from offset 10 writes its own rows afterwards; they stay.
      await wh.append('channel_minute_contrib', [row(0, 10, 100)]);
      await wh.append('kpi_minute_contrib', [kpi(0, 10, 50)]);
      // ClickHouse runs the mutation in the background: wait for it (DuckDB deletes at once).
      for (let i = 0; i < 100; i++) {
        const [r] = numeric(await wh.query('metric_channel_counts', minute));
        if (r.events === 118 && (await inquiries())[0] === 58) break;
        await new Promise((ok) => setTimeout(ok, 100));
      }
      expect(numeric(await wh.query('metric_channel_counts', minute))).toEqual([{ bucket_ms: t, channel: 'web', events: 5 + 100 + 13, conversations: 3 }]);
      expect(await inquiries()).toEqual([2 + 50 + 6]);
    });

    it('runs every named query; those with a from-scratch reference answer exactly like it', async () => {
      const wh = await open();
      await wh.migrate();
      const f = makeFixture(42);
      await appendFixture(wh, f);
      const sets = querySets(f);
      let checked = 0;
      for (const name of NAMED_QUERIES) {
        for (const params of sets[name]) {
          const got = await wh.query(name, params);
          expect(Array.isArray(got), `${name} returns rows`).toBe(true);
          if (!REFERENCE[name]) continue;
          expect(numeric(got), `${name} ${JSON.stringify(params)}`).toEqual(REFERENCE[name](f, params));
          checked++;
        }
      }
      expect(checked).toBeGreaterThanOrEqual(20);
    });

    it('rejects unknown queries and badly typed parameters with catalogue codes', async () => {
      const wh = await open();
      await wh.migrate();
      await expect(wh.query('no_such_query')).rejects.toMatchObject({ code: 'WH_ERR_UNKNOWN_QUERY' });
      await expect(wh.query('dead_letters_recent', { limit: 'ten' })).rejects.toMatchObject({ code: 'WH_ERR_BAD_PARAM' });
      await expect(wh.query('metric_channel_counts', { from_ms: 1, bucket_s: 60 })).rejects.toMatchObject({ code: 'WH_ERR_BAD_PARAM' });
    });

    it('round-trips hostile strings through appends and named-query parameters, byte for byte', async () => {
      const wh = await open();
      await wh.migrate();
      let i = 0;
      const base = Date.UTC(2030, 0, 1);
      await fc.assert(
        fc.asyncProperty(hostileString(), async (s) => {
          i++;
          const failedAt = base + i * 1000 + 1;
          await wh.append('dead_letters', [{ source: 'fuzz', ref: `r${i}`, code: s, reason: s, payload: s, failed_at: failedAt }]);
          const [row] = await wh.query<Record<string, unknown>>('dead_letters_recent', { limit: 1 });
          expect(row.payload).toBe(s);
          expect(row.reason).toBe(s);
          expect(Number(row.failed_at_ms)).toBe(failedAt);
          const producer = `${i}:${s}`;
          await wh.append('events', [
            {
              producer,
              id: `e${i}`,
              type: 't',
              channel: s,
              occurred_at: failedAt,
              received_at: failedAt,
              customer_key: s,
              conversation_id: s,
              agent_id: null,
              customer: '{}',
              properties: '{}',
            },
          ]);
          expect(numeric(await wh.query('events_count', { producer }))).toEqual([{ events: 1 }]);
        }),
        { numRuns: 60, seed: 424242 },
      );
    });

    it('writes a large append (an adapter may bulk-load it) exactly like row-by-row ones: hostile strings, nulls, duplicates', async () => {
      const wh = await open();
      await wh.migrate();
      const base = Date.UTC(2030, 0, 2);
      const strings = fc.sample(hostileString(), { numRuns: 300, seed: 171717 });
      const letters = strings.map((s, i) => ({ source: 'bulk', ref: `b${i}`, code: s, reason: s, payload: s, failed_at: base + i * 1000 + 7 }));
      // The same key twice in one append and again in a later one: still one row each.
      await wh.append('dead_letters', [...letters, letters[0]]);
      await wh.append('dead_letters', letters.slice(0, 50));
      const back = await wh.query<Record<string, unknown>>('dead_letters_recent', { limit: 1000 });
      expect(back).toHaveLength(letters.length);
      const byRef = new Map(back.map((r) => [r.ref, r]));
      for (const l of letters) {
        const r = byRef.get(l.ref)!;
        expect([r.payload, r.reason, r.code]).toEqual([l.payload, l.reason, l.code]);
        expect(Number(r.failed_at_ms)).toBe(l.failed_at);
      }
      const producer = 'bulk-producer';
      await wh.append(
        'events',
        strings.map((s, i) => ({
          producer,
          id: `e${i}`,
          type: 't',
          channel: s,
          occurred_at: base + i,
          received_at: base + i + 0.5,
          customer_key: s,
          conversation_id: i % 3 === 0 ? null : s,
          agent_id: i % 2 === 0 ? null : `a${i}`,
          customer: '{"external_id":"x"}',
          properties: JSON.stringify({ text: s }),
          bus_partition: i % 4,
          bus_offset: 2 ** 40 + i,
        })),
      );
      expect(numeric(await wh.query('events_count', { producer }))).toEqual([{ events: strings.length }]);
    });
  });
}
