import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DuckDbWarehouse } from '../../warehouse/duckdb/duckdb-warehouse.js';
import { startTestOmnilane, type TestOmnilane } from '../support/omnilane.js';

/**
 * Issue 18, item 1, on the embedded default: the state journal is deleted between two runs (the embedded
 * twin of a Redis restart without persistence). Ids posted again afterwards count once, and every minute
 * counter still equals the recount from `events`.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'omnilane-state-loss-'));
const MIN = 60_000;
const T = Math.floor((Date.now() - 30 * MIN) / MIN) * MIN;
const ev = (id: string, i: number) => ({
  id,
  type: i % 3 === 0 ? 'conversation.started' : 'message.received',
  channel: ['web', 'wechat', 'sms'][i % 3],
  occurred_at: new Date(T + (i % 20) * MIN + i).toISOString(),
  customer: { external_id: `loss-${i % 17}` },
  conversation_id: `loss-conv-${i % 29}`,
  properties: { text: `第${i}条` },
});
let om: TestOmnilane | undefined;

afterAll(async () => {
  await om?.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a lost state journal (embedded)', () => {
  it('keeps dedup and every minute exact: the worker rebuilds from the warehouse', async () => {
    om = await startTestOmnilane({}, { dataDir });
    const first = Array.from({ length: 400 }, (_, i) => ev(`a-${i}`, i));
    expect((await om.post('/v1/events', { events: first })).status).toBe(202);
    await om.drained();
    const [before] = await om.engines.warehouse.query<{ seq: number }>('customer_seq_max');
    expect(Number(before.seq)).toBe(17);
    await om.cleanup();

    rmSync(join(dataDir, 'state'), { recursive: true, force: true });
    om = await startTestOmnilane({}, { dataDir });
    const again = first.slice(0, 150);
    // New customers after the loss (external ids never seen): they must not get an old customer's id.
    const more = Array.from({ length: 300 }, (_, i) => ({ ...ev(`b-${i}`, i + 1000), customer: { external_id: `new-${i % 5}` } }));
    const res = await om.post('/v1/events', { events: [...more, ...again] });
    expect(res.status).toBe(202);
    // Ingest forgot the ids with the journal: it accepts them; the stream worker finds them in the warehouse.
    expect(((await res.json()) as { accepted: number }).accepted).toBe(450);
    await om.drained();
    await new Promise((r) => setTimeout(r, 200));

    const wh = om.engines.warehouse;
    const [count] = await wh.query<{ events: number }>('events_count', { producer: null });
    expect(Number(count.events)).toBe(700);
    expect(om.worker.recoveryStats.losses).toBe(1);
    expect(om.worker.recoveryStats.dedupFromWarehouse).toBe(150);
    const range = { from_ms: T - MIN, to_ms: T + 40 * MIN };
    const totals = await wh.query('kpi_minute_totals', range);
    expect(totals.length).toBeGreaterThan(0);
    expect(totals).toEqual(await wh.query('kpi_recount_minutes', range));
    const channel = await wh.query<{ events: number }>('metric_channel_counts', { ...range, bucket_s: 3600, channel: null });
    expect(channel.reduce((a, r) => a + Number(r.events), 0)).toBe(700);
    // The identity counter restarted above the warehouse's highest customer: no new customer took an old id.
    const keys = await (wh as DuckDbWarehouse).sql<{ customer_key: string }>("SELECT DISTINCT customer_key FROM events WHERE id LIKE 'b-%'");
    expect(keys).toHaveLength(5);
    for (const { customer_key } of keys) expect(Number(customer_key.slice(4))).toBeGreaterThan(17);
  });
});
